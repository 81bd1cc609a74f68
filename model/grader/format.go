package grader

import (
	"strings"
	"unicode"
)

// The grades, as the classification head's labels.
const (
	Correct    = "correct"    // the right answer, in any wording the references allow
	Acceptable = "acceptable" // the right answer with a small error (spelling, article, agreement, form, punctuation)
	Wrong      = "wrong"      // another answer, a badly broken one, or none
)

// Labels are the grades in the order reports list them.
var Labels = []string{Correct, Acceptable, Wrong}

// FormatInput writes what the classifier reads, for training data and for
// inference alike:
//
//	answer: ANSWER | reference: REF1 / REF2 | exercise: EXERCISE
//
// The answer comes first and the exercise last because the model reads at
// most its max_seq_len tokens and the text is cut at the end: a long
// exercise (and Chinese costs about three tokens a character) loses its
// tail, never the answer. Runs of white space become one space; blank
// references and a blank exercise are left out.
func FormatInput(exercise string, references []string, answer string) string {
	var refs []string
	for _, r := range references {
		if r = oneLine(r); r != "" {
			refs = append(refs, r)
		}
	}
	var b strings.Builder
	b.WriteString("answer: ")
	b.WriteString(oneLine(answer))
	b.WriteString(" | reference: ")
	b.WriteString(strings.Join(refs, " / "))
	if e := oneLine(exercise); e != "" {
		b.WriteString(" | exercise: ")
		b.WriteString(e)
	}
	return b.String()
}

// oneLine collapses white space (line breaks included) into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Normalize is an answer as the exact-match check compares it: full-width
// letters and marks as their ASCII forms, curly quotes straight, lower
// case, single spaces, no space before a mark, and no final punctuation.
// "Take a look at。" and "take a look at" are the same answer.
func Normalize(answer string) string {
	var b strings.Builder
	for _, r := range answer {
		b.WriteRune(unicode.ToLower(halfWidth(r)))
	}
	s := oneLine(b.String())
	for _, mark := range []string{".", ",", "!", "?", ";", ":"} {
		s = strings.ReplaceAll(s, " "+mark, mark)
	}
	return strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(".!?,;:…", r) })
}

// SameAnswer says whether two answers are equal after Normalize.
func SameAnswer(a, b string) bool { return Normalize(a) == Normalize(b) }

// halfWidth maps the full-width forms a Chinese keyboard types (ＡＢＣ，。？)
// and curly quotes to the characters an English keyboard types.
func halfWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		return r - 0xFEE0
	case r == 0x3000: // ideographic space
		return ' '
	case r == '。':
		return '.'
	case r == '、':
		return ','
	case r == '‘' || r == '’':
		return '\''
	case r == '“' || r == '”':
		return '"'
	}
	return r
}
