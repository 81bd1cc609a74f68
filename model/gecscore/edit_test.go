package gecscore

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestApplyCountsCharactersNotBytes(t *testing.T) {
	// "，" is three bytes in UTF-8 and one character.
	text := "I was tired，so i slept."
	got, err := Apply(text, []Edit{{15, 16, "I", "capitalization"}, {11, 12, ", ", "punctuation"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "I was tired, so I slept."; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestApplyInsertBeforeReplaceAtSamePlace(t *testing.T) {
	got, err := Apply("cat sat", []Edit{{0, 3, "cats", "noun_number"}, {0, 0, "The ", "article"}})
	if err != nil || got != "The cats sat" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestCheckEditsRejects(t *testing.T) {
	text := "He go home." // 11 characters
	cases := map[string][]Edit{
		"past the end":       {{10, 12, "", "punctuation"}},
		"negative":           {{-1, 2, "", "article"}},
		"end before start":   {{5, 3, "", "article"}},
		"overlap":            {{3, 5, "goes", "agreement"}, {4, 10, "", "extra_word"}},
		"two insertions":     {{3, 3, "a", "article"}, {3, 3, "b", "article"}},
		"unknown type":       {{3, 5, "goes", "grammar"}},
		"type in wrong case": {{3, 5, "goes", "Agreement"}},
	}
	for name, edits := range cases {
		if err := CheckEdits(text, edits); err == nil {
			t.Errorf("%s: accepted %+v", name, edits)
		}
	}
	if err := CheckEdits(text, []Edit{{3, 5, "goes", "agreement"}, {5, 5, " back", "missing_word"}}); err != nil {
		t.Errorf("adjacent edits rejected: %v", err)
	}
}

func TestParseMarkup(t *testing.T) {
	s, err := ParseMarkup("x1", "{i=>I|capitalization} {go=>went|tense} to {=>the |article}park{，=>, |punctuation}it was fun.")
	if err != nil {
		t.Fatal(err)
	}
	want := Sentence{
		ID:        "x1",
		Text:      "i go to park，it was fun.",
		Corrected: "I went to the park, it was fun.",
		Edits: []Edit{
			{0, 1, "I", "capitalization"}, {2, 4, "went", "tense"},
			{8, 8, "the ", "article"}, {12, 13, ", ", "punctuation"},
		},
	}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("got  %+v\nwant %+v", s, want)
	}
}

func TestParseMarkupErrors(t *testing.T) {
	for _, bad := range []string{
		"He {go=>goes|agreement home.",
		"He go=>goes|agreement} home.",
		"He {go goes|agreement} home.",
		"He {go=>goes} home.",
		"He {go=>goes|grammar} home.",
		"He {go=>go|agreement} home.",
		"   ",
	} {
		if _, err := ParseMarkup("x", bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestReadMarkupAndRoundTrip(t *testing.T) {
	src := "# family\nf1\tMy mother {cook=>cooks|agreement} well.\n\nf2\tIt is fine.\n"
	set, err := ReadMarkup(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 2 || set[1].Corrected != "It is fine." || len(set[1].Edits) != 0 {
		t.Fatalf("got %+v", set)
	}
	var buf bytes.Buffer
	if err := WriteSentences(&buf, set); err != nil {
		t.Fatal(err)
	}
	back, err := ReadSentences(&buf)
	if err != nil || !reflect.DeepEqual(back, set) {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, back, set)
	}
	if _, err := ReadMarkup(strings.NewReader("a\tOne.\na\tTwo.\n")); err == nil {
		t.Error("a repeated id was accepted")
	}
}

func TestCheckGoldSentence(t *testing.T) {
	s := Sentence{ID: "a", Text: "He go home.", Corrected: "He goes home!", Edits: []Edit{{3, 5, "goes", "agreement"}}}
	if err := s.Check(); err == nil || !strings.Contains(err.Error(), "applying the edits gives") {
		t.Fatalf("a wrong corrected text was accepted: %v", err)
	}
}
