package gec

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// The error types, as they appear in Edit.Type, Mix.Types, the tagging
// labels and the explanation files. They are model/gecscore's types, in its
// order, so that generated, hand-marked and predicted edits score alike.
const (
	Article        = "article"        // a/an/the missing, extra or wrong
	NounNumber     = "noun_number"    // plural and countability: "three book", "informations"
	Agreement      = "agreement"      // subject-verb agreement: "she go", "they goes"
	VerbForm       = "verb_form"      // the wrong form after an auxiliary: "have went", "didn't went"
	Tense          = "tense"          // the wrong time: "yesterday I go"
	Preposition    = "preposition"    // in/on/at, to/for, missing or extra prepositions
	WordOrder      = "word_order"     // adverbs, time phrases, question order
	MissingWord    = "missing_word"   // "he very happy", "want go"
	ExtraWord      = "extra_word"     // "although …, but …", "can to swim"
	Spelling       = "spelling"       // misspellings and typing slips
	WordChoice     = "word_choice"    // collocations: "make homework", "open the light"
	Capitalization = "capitalization" // "i", a lower-case sentence start, "monday"
	Punctuation    = "punctuation"    // final period, comma splice, full-width "，。"
)

// Types lists every error type in a fixed order (the order of reports).
var Types = []string{
	Article, NounNumber, Agreement, VerbForm, Tense, Preposition, WordOrder,
	MissingWord, ExtraWord, Spelling, WordChoice, Capitalization, Punctuation,
}

// IsType says whether t is one of Types.
func IsType(t string) bool {
	for _, k := range Types {
		if k == t {
			return true
		}
	}
	return false
}

// Edit is one correction: replace the characters [Start, End) of a text
// with Replacement. Offsets count Unicode characters (code points), not
// bytes, so that they mean the same in Go, in JSON and in the browser;
// Start == End inserts.
type Edit struct {
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Replacement string `json:"replacement"`
	Type        string `json:"type"`
}

// Example is a learner's sentence with the corrections that make it right:
// applying Edits to Corrupted gives Correct exactly. A clean example has
// Corrupted == Correct and no edits.
type Example struct {
	Corrupted string `json:"corrupted"`
	Correct   string `json:"correct"`
	Edits     []Edit `json:"edits"`
}

// Apply returns text with the edits made. The edits must lie inside text,
// be sorted by position and not overlap; two insertions at one point are
// ambiguous and refused too.
func Apply(text string, edits []Edit) (string, error) {
	if err := checkEdits(text, edits); err != nil {
		return "", err
	}
	runes := []rune(text)
	var b strings.Builder
	at := 0
	for _, e := range edits {
		b.WriteString(string(runes[at:e.Start]))
		b.WriteString(e.Replacement)
		at = e.End
	}
	b.WriteString(string(runes[at:]))
	return b.String(), nil
}

func checkEdits(text string, edits []Edit) error {
	n := utf8.RuneCountInString(text)
	prevEnd := -1
	for i, e := range edits {
		switch {
		case e.Start < 0 || e.End < e.Start || e.End > n:
			return fmt.Errorf("edit %d: span [%d,%d) is outside the text's %d characters", i, e.Start, e.End, n)
		case e.Start < prevEnd || (e.Start == prevEnd && e.Start == e.End && i > 0 && edits[i-1].Start == edits[i-1].End):
			return fmt.Errorf("edit %d: span [%d,%d) overlaps the edit before it; edits must be sorted and apart", i, e.Start, e.End)
		}
		prevEnd = e.End
	}
	return nil
}

// Check says whether ex is consistent: known error types, and its edits
// turn Corrupted into Correct.
func (ex Example) Check() error {
	for i, e := range ex.Edits {
		if !IsType(e.Type) {
			return fmt.Errorf("edit %d: unknown error type %q", i, e.Type)
		}
	}
	got, err := Apply(ex.Corrupted, ex.Edits)
	if err != nil {
		return err
	}
	if got != ex.Correct {
		return fmt.Errorf("the edits give %q, not the correct %q", got, ex.Correct)
	}
	return nil
}

// Span is the text an edit replaces.
func (e Edit) Span(text string) string {
	runes := []rune(text)
	if e.Start < 0 || e.End > len(runes) || e.Start > e.End {
		return ""
	}
	return string(runes[e.Start:e.End])
}

// change is one corruption planned on the clean sentence: its bytes
// [start, end) become wrong. Among the candidates of one type, a change is
// drawn in proportion to its weight (0 counts as 1), which lets a rule
// favour the errors learners make more often than the text offers them.
type change struct {
	start, end int
	wrong      string
	typ        string
	weight     float64
	// spreads marks an error a learner makes on every verb of a sentence
	// once he makes it on one ("Last summer I go … and we visit …").
	spreads bool
}

// weighed is c drawn w times as often as a change of weight 1.
func (c change) weighed(w float64) change {
	c.weight = w
	return c
}

// drawWeight is c's weight in the draw among its type's candidates.
func (c change) drawWeight() float64 {
	if c.weight <= 0 {
		return 1
	}
	return c.weight
}

// touches says whether two changes overlap or meet; changes that meet
// would make their edits ambiguous, so a sentence gets only changes that
// stay apart.
func (c change) touches(d change) bool {
	return c.start <= d.end && d.start <= c.end
}

// build makes the example of clean with the changes made: the corrupted
// text and, for each change, the edit that undoes it.
func build(clean string, changes []change) (Example, error) {
	sorted := append([]change(nil), changes...)
	// Stable or not sorts alike here (changes with one start touch, which
	// is refused below); the stable sort is the one the browser's engine
	// links anyway.
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].start < sorted[j].start })
	var b strings.Builder
	var edits []Edit
	at, runeAt := 0, 0
	for i, c := range sorted {
		if c.start < at || c.end > len(clean) || c.start > c.end || (i > 0 && sorted[i-1].touches(c)) {
			return Example{}, errors.New("gec: overlapping changes")
		}
		keep := clean[at:c.start]
		b.WriteString(keep)
		runeAt += utf8.RuneCountInString(keep)
		edits = append(edits, Edit{
			Start:       runeAt,
			End:         runeAt + utf8.RuneCountInString(c.wrong),
			Replacement: clean[c.start:c.end],
			Type:        c.typ,
		})
		b.WriteString(c.wrong)
		runeAt += utf8.RuneCountInString(c.wrong)
		at = c.end
	}
	b.WriteString(clean[at:])
	return Example{Corrupted: b.String(), Correct: clean, Edits: edits}, nil
}
