// Package gecscore measures grammar-error correction: it holds the gold and
// predicted edits of a sentence, checks that edits are well formed, and scores
// predictions against gold span by span (precision, recall and F0.5 per error
// type and overall, in the manner of ERRANT).
//
// Offsets are character offsets: indexes of Unicode code points (runes) in the
// sentence, not bytes, so that a learner's Chinese comma "，" is one character
// wide, as a person counting characters would expect.
//
// The package is pure Go and imports only the standard library; it must not
// import the model, the server or any tool runner, so that any system's output
// (the tagger, the rule-based baseline, a teacher's hand marking) can be scored
// with it.
package gecscore

import (
	"fmt"
	"slices"
	"strings"
)

// Types are the error types a gold or predicted edit may carry, in the order
// reports list them. They are the synthetic generator's types.
var Types = []string{
	"article", "noun_number", "agreement", "verb_form", "tense", "preposition",
	"word_order", "missing_word", "extra_word", "spelling", "word_choice",
	"capitalization", "punctuation",
}

// IsType reports whether t is one of Types.
func IsType(t string) bool { return slices.Contains(Types, t) }

// Edit replaces the characters [Start, End) of a sentence with Replacement.
// Start == End inserts; an empty Replacement deletes.
type Edit struct {
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Replacement string `json:"replacement"`
	Type        string `json:"type"`
}

// Sentence is one learner sentence with its correction and the edits that
// turn Text into Corrected. A system's prediction uses the same shape; its
// Corrected may be empty.
type Sentence struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Corrected string `json:"corrected"`
	Edits     []Edit `json:"edits"`
}

// CheckEdits reports the first edit of edits that does not fit text: an
// offset outside the sentence, an end before its start, two edits that
// overlap, or a type that is not in Types. Edits may come in any order.
func CheckEdits(text string, edits []Edit) error {
	n := len([]rune(text))
	for i, e := range edits {
		if e.Start < 0 || e.End < e.Start || e.End > n {
			return fmt.Errorf("edit %d [%d,%d) does not fit a sentence of %d characters", i, e.Start, e.End, n)
		}
		if !IsType(e.Type) {
			return fmt.Errorf("edit %d has type %q; use one of %s", i, e.Type, strings.Join(Types, ", "))
		}
	}
	sorted := sortedEdits(edits)
	for i := 1; i < len(sorted); i++ {
		if clash(sorted[i-1], sorted[i]) {
			return fmt.Errorf("edits [%d,%d) and [%d,%d) overlap", sorted[i-1].Start, sorted[i-1].End, sorted[i].Start, sorted[i].End)
		}
	}
	return nil
}

// clash reports whether two edits, a sorted before b, cannot both be applied:
// their spans share a character, or both insert at the same place (the order
// of the insertions would be ambiguous).
func clash(a, b Edit) bool {
	if a.Start == a.End && b.Start == b.End {
		return a.Start == b.Start
	}
	return b.Start < a.End
}

// sortedEdits returns a copy of edits ordered by start, then by end, so that
// an insertion comes before a replacement that starts at the same place.
func sortedEdits(edits []Edit) []Edit {
	s := slices.Clone(edits)
	slices.SortStableFunc(s, func(a, b Edit) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return a.End - b.End
	})
	return s
}

// Apply returns text with edits applied. The edits must pass CheckEdits,
// except that their types are not looked at.
func Apply(text string, edits []Edit) (string, error) {
	typed := make([]Edit, len(edits))
	for i, e := range edits {
		typed[i] = e
		typed[i].Type = Types[0]
	}
	if err := CheckEdits(text, typed); err != nil {
		return "", err
	}
	runes := []rune(text)
	var b strings.Builder
	at := 0
	for _, e := range sortedEdits(edits) {
		b.WriteString(string(runes[at:e.Start]))
		b.WriteString(e.Replacement)
		at = e.End
	}
	b.WriteString(string(runes[at:]))
	return b.String(), nil
}

// Check reports what is wrong with a gold sentence: an empty text, edits
// that do not pass CheckEdits, or edits that do not turn Text into Corrected.
func (s Sentence) Check() error {
	if strings.TrimSpace(s.Text) == "" {
		return fmt.Errorf("sentence %q: empty text", s.ID)
	}
	if err := CheckEdits(s.Text, s.Edits); err != nil {
		return fmt.Errorf("sentence %q: %w", s.ID, err)
	}
	got, _ := Apply(s.Text, s.Edits)
	if got != s.Corrected {
		return fmt.Errorf("sentence %q: applying the edits gives %q, but corrected is %q", s.ID, got, s.Corrected)
	}
	return nil
}
