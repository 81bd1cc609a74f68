package gecscore

import (
	"fmt"
	"slices"
)

// Row counts one error type's edits, or all of them for Report.Overall.
//
// Correction: a predicted edit is right when a gold edit of the same sentence
// has the same span and replacement once both are reduced to their smallest
// form (a gold edit is matched at most once). As in ERRANT, a right edit is
// counted under the gold edit's type, a wrong prediction under its own type,
// and a missed gold edit under its type.
//
// Detection: only the place counts. A predicted edit has detected an error
// when its span overlaps the span of any gold edit (an insertion overlaps a
// span it touches), whatever it replaces it with; a gold edit is detected
// when any prediction overlaps it.
type Row struct {
	Type string
	Gold int // gold edits of this type
	Pred int // predicted edits of this type
	TP   int // gold edits of this type that a prediction made exactly
	FP   int // predictions of this type that match no gold edit
	FN   int // gold edits of this type that no prediction made
	// TypedTP counts the TP whose prediction also named the gold type.
	TypedTP int
	// DetectedGold counts gold edits of this type overlapped by a prediction;
	// DetectingPred counts predictions of this type that overlap a gold edit.
	DetectedGold, DetectingPred int
}

// Precision is TP / (TP + FP), and 1 when nothing was predicted (ERRANT's
// convention: no edit, no wrong edit).
func (r Row) Precision() float64 { return ratio(r.TP, r.TP+r.FP) }

// Recall is TP / (TP + FN), and 1 when there was nothing to find.
func (r Row) Recall() float64 { return ratio(r.TP, r.TP+r.FN) }

// F05 weighs precision twice as much as recall, as GEC evaluation does: a
// learner is better served by no mark than by a wrong one.
func (r Row) F05() float64 { return fBeta(0.5, r.Precision(), r.Recall()) }

// DetectionPrecision is the share of predictions that overlap a gold edit.
func (r Row) DetectionPrecision() float64 { return ratio(r.DetectingPred, r.Pred) }

// DetectionRecall is the share of gold edits that some prediction overlaps.
func (r Row) DetectionRecall() float64 { return ratio(r.DetectedGold, r.Gold) }

// DetectionF05 is F0.5 of the detection precision and recall.
func (r Row) DetectionF05() float64 {
	return fBeta(0.5, r.DetectionPrecision(), r.DetectionRecall())
}

func ratio(num, den int) float64 {
	if den == 0 {
		return 1
	}
	return float64(num) / float64(den)
}

func fBeta(beta, p, r float64) float64 {
	b2 := beta * beta
	if b2*p+r == 0 {
		return 0
	}
	return (1 + b2) * p * r / (b2*p + r)
}

func (r *Row) add(o Row) {
	r.Gold += o.Gold
	r.Pred += o.Pred
	r.TP += o.TP
	r.FP += o.FP
	r.FN += o.FN
	r.TypedTP += o.TypedTP
	r.DetectedGold += o.DetectedGold
	r.DetectingPred += o.DetectingPred
}

// Report is the score of a system on a set of sentences.
type Report struct {
	Sentences int
	// Rows has one row per type that occurs in the gold or predicted edits:
	// the Types in their order, then any other type in alphabetical order.
	Rows []Row
	// Overall sums the rows (micro average).
	Overall Row
}

// Row returns the row of a type, or an empty row of that type.
func (r Report) Row(typ string) Row {
	for _, row := range r.Rows {
		if row.Type == typ {
			return row
		}
	}
	return Row{Type: typ}
}

// Score compares predictions with gold, pairing gold[i] with pred[i]; only
// the edits of pred are read. A gold sentence without a prediction counts all
// its edits as missed; predictions past the end of gold are ignored. Call
// Aligned first to make sure the two lists are about the same sentences.
func Score(gold, pred []Sentence) Report {
	rows := map[string]*Row{}
	row := func(typ string) *Row {
		if rows[typ] == nil {
			rows[typ] = &Row{Type: typ}
		}
		return rows[typ]
	}
	for i, g := range gold {
		var p []Edit
		if i < len(pred) {
			p = pred[i].Edits
		}
		scoreSentence(g.Text, g.Edits, p, row)
	}
	return report(len(gold), rows)
}

// scoreSentence adds one sentence's counts to the rows.
func scoreSentence(text string, gold, pred []Edit, row func(string) *Row) {
	runes := []rune(text)
	g := canonicalAll(runes, gold)
	p := canonicalAll(runes, pred)
	for _, e := range g {
		row(e.typ).Gold++
	}
	for _, e := range p {
		row(e.typ).Pred++
	}
	matched := make([]bool, len(g))
	for _, pe := range p {
		j := firstUnmatched(g, matched, pe)
		if j < 0 {
			row(pe.typ).FP++
			continue
		}
		matched[j] = true
		row(g[j].typ).TP++
		if pe.typ == g[j].typ {
			row(g[j].typ).TypedTP++
		}
	}
	for j, ge := range g {
		if !matched[j] {
			row(ge.typ).FN++
		}
		if slices.ContainsFunc(p, func(pe canonical) bool { return touches(ge, pe) }) {
			row(ge.typ).DetectedGold++
		}
	}
	for _, pe := range p {
		if slices.ContainsFunc(g, func(ge canonical) bool { return touches(ge, pe) }) {
			row(pe.typ).DetectingPred++
		}
	}
}

// firstUnmatched returns the index of the first gold edit not yet matched
// that makes the same change as pe, or -1.
func firstUnmatched(gold []canonical, matched []bool, pe canonical) int {
	for j, ge := range gold {
		if !matched[j] && ge.sameChange(pe) {
			return j
		}
	}
	return -1
}

func (c canonical) sameChange(o canonical) bool {
	return c.start == o.start && c.end == o.end && c.replacement == o.replacement
}

// canonicalAll reduces edits that fit the text; an edit that does not fit
// (a system's bug) is kept as an impossible span so that it counts as a
// wrong prediction rather than being dropped.
func canonicalAll(text []rune, edits []Edit) []canonical {
	out := make([]canonical, 0, len(edits))
	for _, e := range edits {
		if e.Start < 0 || e.End < e.Start || e.End > len(text) {
			out = append(out, canonical{start: -1, end: -1, replacement: e.Replacement, typ: e.Type})
			continue
		}
		out = append(out, canonicalize(text, e))
	}
	return out
}

func report(sentences int, rows map[string]*Row) Report {
	r := Report{Sentences: sentences, Overall: Row{Type: "overall"}}
	for _, t := range Types {
		if rows[t] != nil {
			r.Rows = append(r.Rows, *rows[t])
		}
	}
	var others []string
	for t := range rows {
		if !IsType(t) {
			others = append(others, t)
		}
	}
	slices.Sort(others)
	for _, t := range others {
		r.Rows = append(r.Rows, *rows[t])
	}
	for _, row := range r.Rows {
		r.Overall.add(row)
	}
	return r
}

// Aligned reports whether pred can be scored against gold: as many
// sentences, the same text in each pair, and the same id where the
// prediction has one.
func Aligned(gold, pred []Sentence) error {
	if len(gold) != len(pred) {
		return fmt.Errorf("%d gold sentences but %d predictions", len(gold), len(pred))
	}
	for i := range gold {
		if pred[i].ID != "" && pred[i].ID != gold[i].ID {
			return fmt.Errorf("prediction %d has id %q, gold has %q", i+1, pred[i].ID, gold[i].ID)
		}
		if pred[i].Text != gold[i].Text {
			return fmt.Errorf("prediction %d (%s) is for %q, gold text is %q", i+1, gold[i].ID, pred[i].Text, gold[i].Text)
		}
	}
	return nil
}
