package grader

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/tutor-dev/tutor/model/gec"
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
//	answer: ANSWER | change: CHANGES | reference: REF1 / REF2 | exercise: EXERCISE
//
// CHANGES are the word differences between the answer and the closest
// reference (Changes), so that a small model need not find them itself:
// "idea > thought" is a paraphrase if the words mean the same, "boook >
// book" a slip, "most words" another answer.
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
	b.WriteString(" | change: ")
	b.WriteString(Changes(refs, answer))
	b.WriteString(" | reference: ")
	b.WriteString(strings.Join(refs, " / "))
	if e := oneLine(exercise); e != "" {
		b.WriteString(" | exercise: ")
		b.WriteString(e)
	}
	return b.String()
}

// Changes describes how answer differs from the closest of references,
// word by word after Normalize: each run of differing words as "answer
// words > reference words" ("" for none), joined by "; ". It is "none"
// for an exact answer and "most words" when more than half of the
// reference's words differ or there are more than three runs: another
// answer, not a variant.
func Changes(references []string, answer string) string {
	a := strings.Fields(Normalize(answer))
	var best []hunk
	bestCost, bestLen := -1, 0
	for _, r := range references {
		ref := strings.Fields(Normalize(r))
		if len(ref) == 0 {
			continue
		}
		hs, cost := wordDiff(a, ref)
		if bestCost < 0 || cost < bestCost {
			best, bestCost, bestLen = hs, cost, len(ref)
		}
	}
	switch {
	case bestCost == 0:
		return "none"
	case bestCost < 0 || len(best) > 3 || 2*bestCost > max(bestLen, 1) && bestLen > 1:
		return "most words"
	}
	parts := make([]string, len(best))
	for i, h := range best {
		parts[i] = strings.TrimSpace(strings.Join(h.answer, " ") + " > " + strings.Join(h.reference, " "))
		if len(h.answer) == 1 && len(h.reference) == 1 {
			parts[i] += letters(h.answer[0], h.reference[0])
		}
	}
	return strings.Join(parts, "; ")
}

// letters says how many letters two words differ by ("(1 letter)", ..., "(5+
// letters)"): a slip and another word look alike in tokens but not in
// letters, and the model's tokens are word pieces.
func letters(a, b string) string {
	switch d := gec.EditDistance(a, b); {
	case d == 1:
		return " (1 letter)"
	case d >= 5:
		return " (5+ letters)"
	default:
		return fmt.Sprintf(" (%d letters)", d)
	}
}

// hunk is a run of words that differ: the answer's and the reference's.
type hunk struct{ answer, reference []string }

// wordDiff aligns two word lists at least cost (Levenshtein on words) and
// returns the runs that differ and the number of words edited.
func wordDiff(a, b []string) ([]hunk, int) {
	// d[i][j] is the cost of turning a[:i] into b[:j].
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			sub := 1
			if a[i-1] == b[j-1] {
				sub = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+sub)
		}
	}
	var hunks []hunk
	var cur *hunk
	for i, j := len(a), len(b); i > 0 || j > 0; {
		switch {
		case i > 0 && j > 0 && a[i-1] == b[j-1] && d[i][j] == d[i-1][j-1]:
			cur = nil
			i, j = i-1, j-1
			continue
		case i > 0 && j > 0 && d[i][j] == d[i-1][j-1]+1:
			cur = extend(&hunks, cur)
			cur.answer = append([]string{a[i-1]}, cur.answer...)
			cur.reference = append([]string{b[j-1]}, cur.reference...)
			i, j = i-1, j-1
		case i > 0 && d[i][j] == d[i-1][j]+1:
			cur = extend(&hunks, cur)
			cur.answer = append([]string{a[i-1]}, cur.answer...)
			i--
		default:
			cur = extend(&hunks, cur)
			cur.reference = append([]string{b[j-1]}, cur.reference...)
			j--
		}
	}
	// The walk went backwards: put the runs in reading order.
	for l, r := 0, len(hunks)-1; l < r; l, r = l+1, r-1 {
		hunks[l], hunks[r] = hunks[r], hunks[l]
	}
	return hunks, d[len(a)][len(b)]
}

// extend returns the run being extended, or starts a new one.
func extend(hunks *[]hunk, cur *hunk) *hunk {
	if cur != nil {
		return cur
	}
	*hunks = append(*hunks, hunk{})
	return &(*hunks)[len(*hunks)-1]
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
