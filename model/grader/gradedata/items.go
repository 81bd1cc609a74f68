package gradedata

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tutor-dev/tutor/model/gec"
	"github.com/tutor-dev/tutor/model/grader"
)

// The kinds of exercise the data covers. The first three are the course's
// own kinds with a typed answer; ClozeSentence is a cloze item answered
// with the whole sentence, the kind of free answer a single word cannot
// show (agreement, articles, word order).
const (
	KindVocab         = "vocab"          // Chinese word -> English word
	KindCloze         = "cloze"          // sentence with a gap -> the word
	KindTranslate     = "translate"      // Chinese phrase -> English phrase
	KindClozeSentence = "cloze_sentence" // sentence with a gap -> the whole sentence
)

// Item is one exercise with its reference answers.
type Item struct {
	ID         string
	Kind       string
	Exercise   string
	References []string
	// Group decides the split: the first reference, normalised, so that
	// the vocabulary card and the cloze of one word land on the same side.
	Group string
	// Context is a sentence in which the single-word reference stands at
	// [GapStart, GapEnd) (characters): the word's errors are made there,
	// where the generator sees how the word is used.
	Context          string
	GapStart, GapEnd int
}

// packItem is the part of a content pack item the builder reads.
type packItem struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Prompt  string   `json:"prompt"`
	Answers []string `json:"answers"`
	Example string   `json:"example"`
}

// ReadItems returns the gradable items of a content pack (the JSON of
// data/content/*.json): its vocabulary, cloze and translation items whose
// answers are English, and each cloze item once more as a cloze_sentence.
// Packs that do not teach English give none. Items are sorted by id.
func ReadItems(packJSON []byte) ([]Item, error) {
	var pack struct {
		Course struct {
			TargetLang string `json:"target_lang"`
			Units      []struct {
				Lessons []struct {
					Items []packItem `json:"items"`
				} `json:"lessons"`
			} `json:"units"`
		} `json:"course"`
	}
	if err := json.Unmarshal(packJSON, &pack); err != nil {
		return nil, fmt.Errorf("content pack: %v", err)
	}
	if lang := pack.Course.TargetLang; lang != "en" && !strings.HasPrefix(lang, "en-") {
		return nil, nil
	}
	var raw []packItem
	for _, u := range pack.Course.Units {
		for _, l := range u.Lessons {
			raw = append(raw, l.Items...)
		}
	}
	clozeOf := map[string]string{} // word -> its cloze sentence, for vocabulary items without an example
	for _, it := range raw {
		if it.Kind == KindCloze && usable(it) && strings.Count(it.Prompt, "___") == 1 {
			clozeOf[grader.Normalize(it.Answers[0])] = strings.Replace(it.Prompt, "___", it.Answers[0], 1)
		}
	}
	var items []Item
	for _, it := range raw {
		if !usable(it) {
			continue
		}
		base := Item{ID: it.ID, Kind: it.Kind, Exercise: it.Prompt, References: it.Answers, Group: grader.Normalize(it.Answers[0])}
		switch it.Kind {
		case KindVocab:
			items = append(items, withContext(base, it.Example, clozeOf[base.Group]))
		case KindCloze:
			if strings.Count(it.Prompt, "___") != 1 {
				continue
			}
			filled := strings.Replace(it.Prompt, "___", it.Answers[0], 1)
			items = append(items, withContext(base, filled))
			items = append(items, Item{ID: it.ID + "#sentence", Kind: KindClozeSentence, Exercise: it.Prompt,
				References: []string{filled}, Group: base.Group})
		case KindTranslate:
			items = append(items, base)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	return items, nil
}

// usable is an item with a typed English answer.
func usable(it packItem) bool {
	if len(it.Answers) == 0 || (it.Kind != KindVocab && it.Kind != KindCloze && it.Kind != KindTranslate) {
		return false
	}
	for _, a := range it.Answers {
		for _, r := range a {
			if r >= utf8.RuneSelf {
				return false // pinyin, Chinese characters: not the English this grader reads
			}
		}
	}
	return true
}

// withContext gives a single-word item the first of sentences in which
// its word stands as a whole word.
func withContext(it Item, sentences ...string) Item {
	word := it.References[0]
	if strings.ContainsAny(word, " ") {
		return it
	}
	for _, s := range sentences {
		for _, t := range gec.Tokenize(s) {
			if t.Text == word {
				it.Context = s
				it.GapStart = utf8.RuneCountInString(s[:t.Start])
				it.GapEnd = it.GapStart + utf8.RuneCountInString(word)
				return it
			}
		}
	}
	return it
}

// Splits, and the share of groups in each.
const (
	SplitTrain = "train"
	SplitVal   = "val"
	SplitTest  = "test"
)

// SplitOf is the split of an item group: 12% test, 6% validation, the
// rest training, by a hash, so that adding items never moves others. The
// test share is larger than usual because few items offer a correct answer
// that is not a reference (a synonym, a particle, a rewording), and the
// grades are balanced to that count.
func SplitOf(group string) string {
	h := fnv.New32a()
	h.Write([]byte(group))
	switch n := h.Sum32() % 100; {
	case n < 12:
		return SplitTest
	case n < 18:
		return SplitVal
	}
	return SplitTrain
}
