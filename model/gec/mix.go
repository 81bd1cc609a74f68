package gec

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Mix says how many errors a sentence gets and of which types. It is JSON
// so that a dataset's recipe can be written down next to it:
//
//	{"clean": 0.2, "errors": [0.5, 0.3, 0.2], "types": {"article": 0.14, ...}}
//
// Clean is the share of sentences left correct (learners also write
// correct sentences, and the model must learn to leave them alone).
// Errors weighs 1, 2 and 3 errors for the others. Types weighs the error
// types: each error's type is drawn in proportion to these weights among
// the types the sentence offers (a sentence with no article cannot get an
// article error), so the weights are honoured exactly when every type is
// possible and approximately otherwise. A type missing from Types, or
// weighed 0, is never made.
type Mix struct {
	Clean  float64            `json:"clean"`
	Errors [3]float64         `json:"errors"`
	Types  map[string]float64 `json:"types"`
}

// DefaultMix is the recipe of the default synthetic training set. The type
// weights follow what studies of Chinese learners' English (the CLEC
// learner corpus, teachers' error lists) find most often: word form and
// verb errors, articles, spelling, prepositions and word choice first;
// word order, capitals and punctuation less often.
func DefaultMix() Mix {
	return Mix{
		Clean:  0.2,
		Errors: [3]float64{0.5, 0.3, 0.2},
		Types: map[string]float64{
			Article:        0.14,
			NounNumber:     0.10,
			Agreement:      0.09,
			Tense:          0.08,
			VerbForm:       0.09,
			Preposition:    0.10,
			WordOrder:      0.05,
			MissingWord:    0.07,
			ExtraWord:      0.05,
			Spelling:       0.10,
			WordChoice:     0.06,
			Capitalization: 0.03,
			Punctuation:    0.04,
		},
	}
}

// Check says what is wrong with a mix, naming the field.
func (m Mix) Check() error {
	if m.Clean < 0 || m.Clean > 1 {
		return fmt.Errorf(`mix: "clean" is %v; it is a share between 0 and 1`, m.Clean)
	}
	sum := 0.0
	for i, w := range m.Errors {
		if w < 0 {
			return fmt.Errorf(`mix: "errors"[%d] (the weight of %d errors) is negative`, i, i+1)
		}
		sum += w
	}
	if sum == 0 && m.Clean < 1 {
		return errors.New(`mix: "errors" weighs 1, 2 and 3 errors; at least one must be above 0 unless "clean" is 1`)
	}
	positive := false
	for t, w := range m.Types {
		if !IsType(t) {
			return fmt.Errorf(`mix: "types" has %q, which is not an error type (%s)`, t, strings.Join(Types, ", "))
		}
		if w < 0 {
			return fmt.Errorf(`mix: "types"[%q] is negative`, t)
		}
		positive = positive || w > 0
	}
	if !positive && m.Clean < 1 {
		return errors.New(`mix: "types" gives no error type a weight above 0`)
	}
	return nil
}

// ReadMix decodes and checks a mix; unknown fields are errors, so a typo
// does not silently fall back to a default.
func ReadMix(r io.Reader) (Mix, error) {
	var m Mix
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Mix{}, fmt.Errorf("mix: %w", err)
	}
	return m, m.Check()
}
