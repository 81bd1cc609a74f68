// Package course defines content packs (course → unit → lesson → item), their
// JSON schema and validation, and how a learner's typed answer is checked
// against an item. It is shared by the server (import, export, storage) and
// the browser app (practice, offline), so it uses only the standard library
// and must not import server, app components or anything that does not build
// for js/wasm.
package course

import "strings"

// SchemaVersion is the value of Pack.Schema this code reads and writes.
const SchemaVersion = "tutor.content/v1"

// Item kinds.
const (
	KindVocab     = "vocab"     // a word card: Prompt (word) → Answers (glosses)
	KindCloze     = "cloze"     // a sentence with a "___" gap → Answers fill it
	KindTranslate = "translate" // a sentence in the source language → Answers in the target
	KindChoice    = "choice"    // Prompt + Choices → Answers[0] is the right choice
	KindOrder     = "order"     // Tokens shuffled → Answers[0] is the sentence
)

// Pack is one importable course with its schema version.
type Pack struct {
	Schema string `json:"schema"`
	Course Course `json:"course"`
}

// Course is a whole course.
type Course struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	TargetLang  string `json:"target_lang"` // the language learned, BCP 47 ("en", "zh")
	SourceLang  string `json:"source_lang"` // the learner's language ("zh-CN", "en")
	Description string `json:"description,omitempty"`
	Units       []Unit `json:"units"`
}

// TeachesEnglish reports whether the course teaches English ("en" or a
// regional "en-..."), the language the tutor's models check and grade.
func (c Course) TeachesEnglish() bool {
	return c.TargetLang == "en" || strings.HasPrefix(c.TargetLang, "en-")
}

// Unit groups lessons.
type Unit struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Lessons []Lesson `json:"lessons"`
}

// Lesson groups items.
type Lesson struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Items []Item `json:"items"`
}

// Item is one thing to practise.
type Item struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Level   string   `json:"level"`  // "A1".."C2" or "HSK1".."HSK6"
	Skills  []string `json:"skills"` // e.g. "vocabulary", "articles", "pinyin"
	Prompt  string   `json:"prompt"`
	Answers []string `json:"answers"` // accepted answers; the first is shown as the expected one
	Hint    string   `json:"hint,omitempty"`

	// Vocabulary cards.
	Word         string `json:"word,omitempty"`
	Reading      string `json:"reading,omitempty"` // pinyin with tone marks, or IPA
	Gloss        string `json:"gloss,omitempty"`
	Example      string `json:"example,omitempty"`
	ExampleGloss string `json:"example_gloss,omitempty"`

	Choices []string `json:"choices,omitempty"` // multiple choice
	Tokens  []string `json:"tokens,omitempty"`  // sentence ordering, in a scrambled order

	// EstimatedLevel is an estimate of how hard the item's English text is
	// (A1..C2, from model/difficulty), where the pack's builder made one;
	// Level is the course's own placement of the item.
	EstimatedLevel string `json:"estimated_level,omitempty"`
}

// Summary describes a course without its items.
type Summary struct {
	ID          string
	Title       string
	TargetLang  string
	SourceLang  string
	Description string
	Units       int
	Items       int
}

// Summarize counts a course's units and items.
func (c *Course) Summarize() Summary {
	s := Summary{ID: c.ID, Title: c.Title, TargetLang: c.TargetLang, SourceLang: c.SourceLang,
		Description: c.Description, Units: len(c.Units)}
	for _, u := range c.Units {
		for _, l := range u.Lessons {
			s.Items += len(l.Items)
		}
	}
	return s
}
