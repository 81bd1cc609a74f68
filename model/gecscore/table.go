package gecscore

import (
	"fmt"
	"strings"
)

// Table formats the report as a fixed-width text table, one row per type and
// an overall row: counts, then correction P, R, F0.5 and detection P, R,
// F0.5 in percent. A "-" stands for a ratio with nothing to divide by (no
// prediction, or no gold edit, of that type), and for an F0.5 of two such.
func (r Report) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-15s %5s %5s %4s %4s %4s %6s %6s %6s  %6s %6s %6s\n",
		"type", "gold", "pred", "TP", "FP", "FN", "P", "R", "F0.5", "det.P", "det.R", "det.F")
	for _, row := range r.Rows {
		writeRow(&b, row)
	}
	writeRow(&b, r.Overall)
	fmt.Fprintf(&b, "%d sentences\n", r.Sentences)
	return b.String()
}

func writeRow(b *strings.Builder, r Row) {
	p, rec := percent(r.TP, r.TP+r.FP), percent(r.TP, r.TP+r.FN)
	dp, dr := percent(r.DetectingPred, r.Pred), percent(r.DetectedGold, r.Gold)
	fmt.Fprintf(b, "%-15s %5d %5d %4d %4d %4d %6s %6s %6s  %6s %6s %6s\n",
		r.Type, r.Gold, r.Pred, r.TP, r.FP, r.FN,
		p, rec, fOrDash(p, rec, r.F05()), dp, dr, fOrDash(dp, dr, r.DetectionF05()))
}

// fOrDash prints F0.5 unless neither of its ratios is defined, where the
// ERRANT convention (both 1) would print a meaningless 100.
func fOrDash(p, r string, f float64) string {
	if p == "-" && r == "-" {
		return "-"
	}
	return percentOf(f)
}

func percent(num, den int) string {
	if den == 0 {
		return "-"
	}
	return percentOf(float64(num) / float64(den))
}

func percentOf(x float64) string { return fmt.Sprintf("%.1f", 100*x) }
