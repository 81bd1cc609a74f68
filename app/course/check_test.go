package course

import (
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	vocab := Item{Kind: KindVocab, Skills: []string{"vocabulary"}, Answers: []string{"house", "home"}}
	gloss := Item{Kind: KindVocab, Skills: []string{"vocabulary"}, Answers: []string{"to go"}}
	long := Item{Kind: KindTranslate, Skills: []string{"translation"}, Answers: []string{"Where is the station?"}}
	short := Item{Kind: KindCloze, Skills: []string{"cloze"}, Answers: []string{"cat"}}
	choice := Item{Kind: KindChoice, Skills: []string{"vocabulary"}, Answers: []string{"house"}, Choices: []string{"house", "horse"}}
	han := Item{Kind: KindTranslate, Skills: []string{"translation"}, Answers: []string{"我喜欢猫。"}}
	quote := Item{Kind: KindTranslate, Skills: []string{"translation"}, Answers: []string{"I don't know."}}
	tests := []struct {
		name       string
		it         Item
		answer     string
		correct    bool
		typo       bool
		expected   string
		normalized string
	}{
		{"exact", vocab, "house", true, false, "house", "house"},
		{"second answer", vocab, "home", true, false, "home", "home"},
		{"case and spaces", vocab, "  HOUSE ", true, false, "house", "house"},
		{"optional article", vocab, "the house", true, false, "house", "house"},
		{"optional article a", vocab, "a house", true, false, "house", "house"},
		{"optional infinitive marker", gloss, "go", true, false, "to go", "go"},
		{"full-width letters", vocab, "ｈｏｕｓｅ", true, false, "house", "house"},
		{"trailing punctuation", vocab, "house!", true, false, "house", "house"},
		{"one typo in 5 letters", vocab, "hosue", true, true, "house", "hosue"},
		{"two typos in 5 letters", vocab, "hsoeu", false, false, "house", "hsoeu"},
		{"short answers are exact", short, "cot", false, false, "cat", "cot"},
		{"two typos in a long answer", long, "where is the staton", true, true, "Where is the station?", "where is the staton"},
		{"sentence with full-width punctuation", long, "Where is the station？", true, false, "Where is the station?", "where is the station"},
		{"choices are exact", choice, "horse", false, false, "house", "horse"},
		{"choice right", choice, "House", true, false, "house", "house"},
		{"han with spaces and no full stop", han, "我 喜欢 猫", true, false, "我喜欢猫。", "我喜欢猫"},
		{"han has no typo tolerance", han, "我喜欢狗", false, false, "我喜欢猫。", "我喜欢狗"},
		{"curly apostrophe", quote, "I don’t know", true, false, "I don't know.", "i don't know"},
		{"empty answer", vocab, "", false, false, "house", ""},
		{"article is not the whole answer", vocab, "the", false, false, "house", "the"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Check(tc.it, tc.answer)
			if r.Correct != tc.correct || r.Typo != tc.typo || r.Expected != tc.expected || r.Normalized != tc.normalized {
				t.Fatalf("Check(%q) = %+v, want correct=%v typo=%v expected=%q normalized=%q",
					tc.answer, r, tc.correct, tc.typo, tc.expected, tc.normalized)
			}
		})
	}
}

func TestCheckPinyin(t *testing.T) {
	it := Item{Kind: KindVocab, Skills: []string{"pinyin"}, Answers: []string{"nǐhǎo"}}
	lv := Item{Kind: KindVocab, Skills: []string{"pinyin"}, Answers: []string{"lǜsè"}}
	neutral := Item{Kind: KindVocab, Skills: []string{"pinyin"}, Answers: []string{"péngyou"}}
	xian := Item{Kind: KindVocab, Skills: []string{"pinyin"}, Answers: []string{"xī'ān"}}
	particle := Item{Kind: KindVocab, Skills: []string{"pinyin"}, Answers: []string{"ma"}}
	tests := []struct {
		name          string
		it            Item
		answer        string
		correct, typo bool
	}{
		{"marks", it, "nǐ hǎo", true, false},
		{"numbers", it, "ni3hao3", true, false},
		{"numbers with space", it, "Ni3 Hao3", true, false},
		{"combining marks", it, "ni\u030Chao\u030C", true, false},
		{"no tones", it, "nihao", true, true},
		{"wrong tone", it, "ni2hao3", false, false},
		{"letter typo with tones", it, "ni3hap3", true, true},
		{"v for ü", lv, "lv4se4", true, false},
		{"u: for ü", lv, "lu:4 se4", true, false},
		{"u for ü is a typo", lv, "lu4se4", true, true},
		{"neutral tone number", neutral, "peng2you5", true, false},
		{"neutral tone omitted", neutral, "peng2you", true, false},
		{"apostrophe optional", xian, "xi1an1", true, false},
		{"wrong syllables", it, "zaijian", false, false},
		{"neutral-only word without tones", particle, "ma", true, false},
		{"neutral-only word with tone 5", particle, "ma5", true, false},
		{"neutral-only word with a tone", particle, "ma1", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Check(tc.it, tc.answer)
			if r.Correct != tc.correct || r.Typo != tc.typo {
				t.Fatalf("Check(%q) = %+v, want correct=%v typo=%v", tc.answer, r, tc.correct, tc.typo)
			}
		})
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"abc", "", 3}, {"house", "hosue", 1}, {"house", "houses", 1},
		{"house", "mouse", 1}, {"kitten", "sitting", 3}, {"我喜欢", "我欢喜", 1}, {"ca", "abc", 3},
	} {
		if d := distance(tc.a, tc.b); d != tc.d {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.d)
		}
	}
}

func TestRating(t *testing.T) {
	right := Result{Correct: true, Expected: "house"} // 5 characters: fast ≤ 4s, slow > 18s
	for _, tc := range []struct {
		name string
		res  Result
		d    time.Duration
		want int
	}{
		{"wrong", Result{Expected: "house"}, time.Second, 1},
		{"typo", Result{Correct: true, Typo: true, Expected: "house"}, time.Second, 2},
		{"fast", right, 4 * time.Second, 4},
		{"normal", right, 10 * time.Second, 3},
		{"slow", right, 19 * time.Second, 2},
		{"unknown time", right, 0, 3},
	} {
		if got := Rating(tc.res, tc.d); got != tc.want {
			t.Errorf("%s: Rating = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestTeachesEnglish(t *testing.T) {
	for lang, want := range map[string]bool{"en": true, "en-GB": true, "zh": false, "eng": false, "": false} {
		if got := (Course{TargetLang: lang}).TeachesEnglish(); got != want {
			t.Errorf("TargetLang %q: TeachesEnglish() = %v, want %v", lang, got, want)
		}
	}
}
