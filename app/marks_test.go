package app

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/app/api"
)

func TestSplitMarkedUsesRuneOffsets(t *testing.T) {
	// "café" and the Chinese words make byte, rune and UTF-16 offsets all
	// differ; "😀" is two UTF-16 units but one rune.
	text := "我 café 😀 she go to school every days."
	runes := []rune(text)
	at := func(s string) int { return len([]rune(text[:strings.Index(text, s)])) }
	goAt, daysAt := at("go "), at("days")
	edits := []api.CheckEdit{
		{Start: goAt, End: goAt + 2, Replacement: "goes"},
		{Start: daysAt, End: daysAt + 4, Replacement: "day"},
	}
	got := splitMarked(text, edits)
	want := []segment{
		{Text: "我 café 😀 she ", Edit: -1},
		{Text: "go", Edit: 0},
		{Text: " to school every ", Edit: -1},
		{Text: "days", Edit: 1},
		{Text: ".", Edit: -1},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("splitMarked = %+v, want %+v", got, want)
	}
	var joined strings.Builder
	for _, s := range got {
		joined.WriteString(s.Text)
	}
	if joined.String() != text || len([]rune(joined.String())) != len(runes) {
		t.Errorf("segments do not add up to the text: %q", joined.String())
	}
}

func TestSplitMarkedInsertionAndEdges(t *testing.T) {
	text := "I have cat"
	edits := []api.CheckEdit{
		{Start: 0, End: 1, Replacement: "We"},    // at the very start
		{Start: 7, End: 7, Replacement: "a "},    // insertion: an empty marked segment
		{Start: 7, End: 10, Replacement: "cats"}, // ends at the very end
	}
	got := splitMarked(text, edits)
	want := []segment{
		{Text: "I", Edit: 0},
		{Text: " have ", Edit: -1},
		{Text: "", Edit: 1},
		{Text: "cat", Edit: 2},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("splitMarked = %+v, want %+v", got, want)
	}
	if got[2].marked() != true || got[1].marked() {
		t.Error("marked() does not tell edits from plain text")
	}
}

func TestSplitMarkedSkipsEditsThatDoNotFit(t *testing.T) {
	text := "abcdef"
	edits := []api.CheckEdit{
		{Start: 1, End: 3},  // fits
		{Start: 2, End: 4},  // overlaps the previous one
		{Start: 5, End: 4},  // reversed
		{Start: 4, End: 99}, // past the end
		{Start: -1, End: 0}, // before the start
		{Start: 4, End: 5},  // fits
	}
	got := splitMarked(text, edits)
	want := []segment{
		{Text: "a", Edit: -1},
		{Text: "bc", Edit: 0},
		{Text: "d", Edit: -1},
		{Text: "e", Edit: 5},
		{Text: "f", Edit: -1},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("splitMarked = %+v, want %+v", got, want)
	}
	if segs := splitMarked("", nil); len(segs) != 0 {
		t.Errorf("empty text gives %+v, want no segments", segs)
	}
	if segs := splitMarked("fine.", nil); !slices.Equal(segs, []segment{{Text: "fine.", Edit: -1}}) {
		t.Errorf("text without edits gives %+v", segs)
	}
}

func TestApplyFix(t *testing.T) {
	text := "她说 she go to café every days."
	goAt := len([]rune("她说 she "))
	cases := []struct {
		name string
		edit api.CheckEdit
		want string
	}{
		{"replace after Chinese", api.CheckEdit{Start: goAt, End: goAt + 2, Replacement: "goes"}, "她说 she goes to café every days."},
		{"replace after é", api.CheckEdit{Start: len([]rune("她说 she go to café every ")), End: len([]rune(text)) - 1, Replacement: "day"}, "她说 she go to café every day."},
		{"insert", api.CheckEdit{Start: goAt + 6, End: goAt + 6, Replacement: "the "}, "她说 she go to the café every days."},
		{"delete", api.CheckEdit{Start: goAt - 1, End: goAt + 2}, "她说 she to café every days."},
	}
	for _, c := range cases {
		got, err := applyFix(text, c.edit)
		if err != nil || got != c.want {
			t.Errorf("%s: applyFix = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	for _, bad := range []api.CheckEdit{{Start: 0, End: 99}, {Start: -1, End: 0}, {Start: 3, End: 2}} {
		got, err := applyFix(text, bad)
		if err == nil || got != text {
			t.Errorf("applyFix(%+v) = %q, %v; want the text unchanged and an error", bad, got, err)
		}
	}
}

func TestApplyingEveryFixGivesCorrected(t *testing.T) {
	// The server's promise: applying the edits gives corrected. Applying
	// them from the last keeps the earlier offsets valid.
	text := "She go to school every days."
	edits := []api.CheckEdit{
		{Start: 4, End: 6, Replacement: "goes"},
		{Start: 23, End: 27, Replacement: "day"},
	}
	for i := len(edits) - 1; i >= 0; i-- {
		var err error
		if text, err = applyFix(text, edits[i]); err != nil {
			t.Fatal(err)
		}
	}
	if text != "She goes to school every day." {
		t.Errorf("got %q", text)
	}
	if spanText("She go", edits[0]) != "go" || spanText("She", edits[0]) != "" {
		t.Error("spanText does not return the edit's span")
	}
}

func TestIsBlank(t *testing.T) {
	for s, want := range map[string]bool{"": true, " \n\t": true, " a ": false, "我": false} {
		if isBlank(s) != want {
			t.Errorf("isBlank(%q) = %v", s, !want)
		}
	}
}

// TestCheckProblem: a failed check is explained by its cause; offline and a
// server without a checker are told apart, since only one of them passes.
func TestCheckProblem(t *testing.T) {
	p := newWritePage()
	p.lang = English
	cases := []struct {
		err     error
		key     string
		message string
	}{
		{nil, "", ""},
		{&NetworkError{Err: errors.New("fetch failed")}, "offline", p.T("write.offline")},
		{&APIError{Status: 503, ErrorDetail: api.ErrorDetail{Code: "unavailable", Message: "no model"}}, "unavailable", p.T("write.unavailable")},
		{&APIError{Status: 422, ErrorDetail: api.ErrorDetail{Code: api.CodeNotEnglish, Message: "x"}}, api.CodeNotEnglish, p.T("write.notenglish")},
		{&APIError{Status: 413, ErrorDetail: api.ErrorDetail{Code: api.CodeTooLong, Message: "x"}}, api.CodeTooLong, p.T("write.toolong", api.MaxCheckRunes)},
		{&APIError{Status: 401, ErrorDetail: api.ErrorDetail{Code: "unauthorized", Message: "Log in again."}}, "unauthorized", "Log in again."},
	}
	for _, c := range cases {
		key, msg := p.checkProblem(c.err)
		if key != c.key || msg != c.message {
			t.Errorf("checkProblem(%v) = %q, %q; want %q, %q", c.err, key, msg, c.key, c.message)
		}
	}
	if !strings.Contains(p.T("write.toolong", api.MaxCheckRunes), "2000") {
		t.Error("the too-long message does not give the limit")
	}
}
