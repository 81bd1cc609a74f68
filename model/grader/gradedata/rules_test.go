package gradedata

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model/gec"
)

func testWords(t *testing.T) *gec.Lexicon {
	t.Helper()
	lx, err := gec.LoadLexicon(os.DirFS(filepath.Join(dataDir, "errors")))
	if err != nil {
		t.Fatal(err)
	}
	return lx
}

func TestMoveTimePhrase(t *testing.T) {
	lx := testWords(t)
	for in, want := range map[string]string{
		"I had a dream about you last night.":    "Last night I had a dream about you.",
		"Yesterday, I went to the park.":         "I went to the park yesterday.",
		"The shop opens at nine every morning.":  "Every morning the shop opens at nine.",
		"We met in 1998.":                        "In 1998 we met.",
		"She left two years ago.":                "Two years ago she left.",
		"Today we honor our soldiers.":           "We honor our soldiers today.",
		"Is it raining today?":                   "", // a question keeps its order
		"I bought apples, pears and milk today.": "", // a list, not a clause
		"Sleep today.":                           "", // too little left to move around
		"The cat sat on the mat.":                "",
	} {
		got, ok := moveTimePhrase(in, lx)
		if want == "" {
			if ok {
				t.Errorf("moveTimePhrase(%q) = %q, want no move", in, got)
			}
			continue
		}
		if !ok || got != want {
			t.Errorf("moveTimePhrase(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestRewordings(t *testing.T) {
	for in, want := range map[string][]string{
		"I do not like tea.":       {"I don't like tea."},
		"She didn't come.":         {"She did not come."},
		"Yes, I am.":               nil, // a full form that ends its clause cannot contract
		"It's been a long day.":    nil, // "it's" is "it has" here
		"I know that he lied.":     {"I know he lied."},
		"I think that it is late.": {"I think that it's late.", "I think it is late."},
		"The cat sat on the mat.":  nil,
	} {
		got := rewordings(in)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("rewordings(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReadItems: the course's kinds become items; each cloze also a
// whole-sentence cloze in the same group; single words get a context in
// which they stand; a course that does not teach English gives nothing.
func TestReadItems(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(dataDir, "content", "en-for-zh.json"))
	if err != nil {
		t.Fatal(err)
	}
	items, err := ReadItems(data)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Item{}
	kinds := map[string]int{}
	for _, it := range items {
		byID[it.ID] = it
		kinds[it.Kind]++
		if it.Context != "" {
			if got := string([]rune(it.Context)[it.GapStart:it.GapEnd]); got != it.References[0] {
				t.Errorf("%s: context %q has %q at the gap, want %q", it.ID, it.Context, got, it.References[0])
			}
		}
	}
	if kinds[KindCloze] == 0 || kinds[KindClozeSentence] != kinds[KindCloze] || kinds[KindVocab] == 0 || kinds[KindTranslate] == 0 {
		t.Errorf("kinds %v: want vocab, cloze, translate and one cloze_sentence per cloze", kinds)
	}
	for _, it := range items {
		if it.Kind != KindClozeSentence {
			continue
		}
		cloze := byID[strings.TrimSuffix(it.ID, "#sentence")]
		if cloze.Group != it.Group || !strings.Contains(it.References[0], cloze.References[0]) {
			t.Errorf("%s: group %q and reference %q do not follow the cloze %+v", it.ID, it.Group, it.References[0], cloze)
		}
	}
	zh, err := os.ReadFile(filepath.Join(dataDir, "content", "zh-hsk1-3.json"))
	if err != nil {
		t.Fatal(err)
	}
	if items, err := ReadItems(zh); err != nil || len(items) != 0 {
		t.Errorf("a Chinese course gave %d items (%v), want none", len(items), err)
	}
	if _, err := ReadItems([]byte("{")); err == nil {
		t.Error("a broken pack gave no error")
	}
}

// TestDeriveLexicon derives the table from a WordNet in miniature:
// synonyms share the word's most frequent sense, which must be the
// synonym's own first sense; rare words, words of mixed part of speech
// and names are left out.
func TestDeriveLexicon(t *testing.T) {
	files := map[string][]byte{
		"index.noun": []byte("  licence text\n" +
			"car n 2 1 @ 2 1 00000001 00000002\n" +
			"auto n 1 1 @ 1 1 00000001\n" +
			"automobile n 1 1 @ 1 1 00000001\n" +
			"machine n 2 1 @ 2 1 00000009 00000001\n" +
			"paris n 1 0 1 0 00000003\n" +
			"walk n 1 1 @ 1 1 00000004\n"),
		"data.noun": []byte("00000001 06 n 04 car 0 auto 0 automobile 0 machine 0 000 | a motor vehicle\n" +
			"00000002 06 n 01 car 1 000 | a railway carriage\n" +
			"00000003 15 n 01 Paris 0 000 | the capital of France\n" +
			"00000004 04 n 01 walk 0 000 | the act of walking\n" +
			"00000009 06 n 01 machine 0 000 | any mechanical device\n"),
		"index.verb": []byte("walk v 1 1 @ 1 1 00000005\n"),
		"data.verb":  []byte("00000005 38 v 01 walk 0 000 | use one's feet\n"),
		"index.adj":  []byte(""), "data.adj": []byte(""), "index.adv": []byte(""), "data.adv": []byte(""),
		"cntlist.rev": []byte("car%1:06:00:: 1 40\ncar%1:06:01:: 2 5\nauto%1:06:00:: 1 3\nautomobile%1:06:00:: 1 9\n" +
			"machine%1:06:00:: 1 30\nmachine%1:06:01:: 2 4\nparis%1:15:00:: 1 20\nwalk%1:04:00:: 1 10\nwalk%2:38:00:: 1 12\n"),
	}
	got, err := DeriveLexicon(files)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")[1:]
	want := []string{
		"auto\tnoun\t3\tautomobile car",
		"automobile\tnoun\t9\tauto car",
		"car\tnoun\t45\tauto automobile", // not machine: a car is machine's second sense
		"machine\tnoun\t34\t",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("derived\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	again, _ := DeriveLexicon(files)
	if string(again) != string(got) {
		t.Error("two derivations differ")
	}
	delete(files, "cntlist.rev")
	if _, err := DeriveLexicon(files); err == nil || !strings.Contains(err.Error(), "cntlist.rev") {
		t.Errorf("derivation without cntlist.rev: %v", err)
	}
	lx, err := ParseLexicon(got)
	if err != nil {
		t.Fatal(err)
	}
	if lx.POS("car") != "noun" || !lx.related("car", "auto") || lx.related("car", "machine") {
		t.Errorf("parsed lexicon: car is %q, related to auto %v, to machine %v", lx.POS("car"), lx.related("car", "auto"), lx.related("car", "machine"))
	}
	if _, err := ParseLexicon([]byte("car\tnoun\n")); err == nil {
		t.Error("a line with two fields parsed")
	}
}
