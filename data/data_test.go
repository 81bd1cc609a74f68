package data

import (
	"regexp"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/app/course"
)

func items(p course.Pack) []course.Item {
	var out []course.Item
	for _, u := range p.Course.Units {
		for _, l := range u.Lessons {
			out = append(out, l.Items...)
		}
	}
	return out
}

func pack(t *testing.T, id string) course.Pack {
	t.Helper()
	packs, err := StarterPacks()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range packs {
		if p.Course.ID == id {
			return p
		}
	}
	t.Fatalf("no starter pack %q among %d", id, len(packs))
	return course.Pack{}
}

func TestEnglishStarterPack(t *testing.T) {
	p := pack(t, "en-for-zh")
	if n := len(p.Course.Units); n < 10 {
		t.Errorf("%d units, want at least 10", n)
	}
	count := map[string]int{}
	words := map[string]bool{}
	for _, it := range items(p) {
		count[it.Kind]++
		if it.Kind == course.KindVocab {
			words[it.Word] = true
			if it.Gloss == "" || !regexp.MustCompile(`\p{Han}`).MatchString(it.Prompt) {
				t.Errorf("vocab %s: want a Chinese prompt and gloss, got %q / %q", it.ID, it.Prompt, it.Gloss)
			}
		}
		// every committed answer must be accepted exactly by the checker
		if r := course.Check(it, it.Answers[0]); !r.Correct || r.Typo {
			t.Errorf("%s: its own answer %q is not accepted: %+v", it.ID, it.Answers[0], r)
		}
	}
	if len(words) < 600 {
		t.Errorf("%d distinct vocabulary words, want at least 600", len(words))
	}
	if n := count[course.KindCloze] + count[course.KindTranslate]; n < 200 || count[course.KindCloze] == 0 || count[course.KindTranslate] == 0 {
		t.Errorf("%d cloze and %d translation exercises, want at least 200 together and some of each",
			count[course.KindCloze], count[course.KindTranslate])
	}
}

// marks matches a vowel (or syllabic nasal) with a pinyin tone mark.
var marks = regexp.MustCompile(`[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]`)

// neutralOnly are the HSK 1–3 words whose every syllable has the neutral
// tone, which pinyin writes without a mark.
var neutralOnly = map[string]bool{"de": true, "le": true, "ma": true, "ne": true, "ba": true, "zhe": true, "a": true}

func TestHSKStarterPack(t *testing.T) {
	p := pack(t, "zh-hsk1-3")
	if n := len(p.Course.Units); n != 3 {
		t.Errorf("%d units, want one per HSK level 1–3", n)
	}
	vocab := 0
	for _, it := range items(p) {
		if it.Reading == "" || it.Word == "" || it.Gloss == "" {
			t.Errorf("%s: every item needs the word, its pinyin and its gloss: %q %q %q", it.ID, it.Word, it.Reading, it.Gloss)
		}
		if !marks.MatchString(it.Reading) && !neutralOnly[it.Reading] {
			t.Errorf("%s: pinyin %q has no tone mark", it.ID, it.Reading)
		}
		if strings.ContainsAny(it.Reading, "012345v:") {
			t.Errorf("%s: pinyin %q still has tone numbers or v", it.ID, it.Reading)
		}
		if it.Kind != course.KindVocab {
			continue
		}
		vocab++
		if r := course.Check(it, it.Reading); !r.Correct || r.Typo {
			t.Errorf("%s: its own reading %q is not accepted: %+v", it.ID, it.Reading, r)
		}
		if !strings.HasPrefix(it.Level, "HSK") || it.Level > "HSK3" {
			t.Errorf("%s: level %q", it.ID, it.Level)
		}
	}
	if vocab < 550 {
		t.Errorf("%d HSK 1–3 words, want about 590", vocab)
	}
}
