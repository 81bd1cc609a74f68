package checker

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tutor-dev/tutor/model/gec"
	"github.com/tutor-dev/tutor/model/gecscore"
)

// ReadGold reads a gold set in either of the project's formats:
// model/gecscore's sentences ({"id", "text", "corrected", "edits"}, as in
// testdata/learner/handwritten.jsonl) or package gec's examples
// ({"corrupted", "correct", "edits"}, as `tutor data gec` writes and
// testdata/gec/synthetic-test.jsonl holds), whose sentences get the ids
// "FILE:LINE". The first line decides the format.
func ReadGold(path string) ([]gecscore.Sentence, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	first := firstLine(data)
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(first, &probe); err != nil {
		return nil, fmt.Errorf("%s: the first line is not a JSON object (%v); gold sets are JSONL", path, err)
	}
	if _, ok := probe["corrupted"]; !ok {
		return gecscore.ReadGold(path)
	}
	exs, err := gec.ReadExamples(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	name := filepath.Base(path)
	out := make([]gecscore.Sentence, len(exs))
	for i, ex := range exs {
		s := gecscore.Sentence{ID: fmt.Sprintf("%s:%d", name, i+1), Text: ex.Corrupted, Corrected: ex.Correct, Edits: []gecscore.Edit{}}
		for _, e := range ex.Edits {
			s.Edits = append(s.Edits, gecscore.Edit{Start: e.Start, End: e.End, Replacement: e.Replacement, Type: e.Type})
		}
		out[i] = s
	}
	if err := gecscore.CheckGold(out); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

func firstLine(data []byte) []byte {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
			return line
		}
	}
	return nil
}

// Evaluation is a checker's score on a gold set.
type Evaluation struct {
	Report      gecscore.Report
	Predictions []gecscore.Sentence // one per gold sentence, in order
	// Refused counts the gold sentences the checker did not take (too
	// long, not English); they count as marking nothing.
	Refused int
}

// Evaluate checks every gold sentence at threshold and scores the edits.
func (c *Checker) Evaluate(gold []gecscore.Sentence, threshold float64) (Evaluation, error) {
	if err := checkThreshold(threshold); err != nil {
		return Evaluation{}, err
	}
	return c.evaluate(gold, threshold, nil)
}

func (c *Checker) evaluate(gold []gecscore.Sentence, threshold float64, cache guessCache) (Evaluation, error) {
	ev := Evaluation{Predictions: make([]gecscore.Sentence, len(gold))}
	for i, g := range gold {
		pred := gecscore.Sentence{ID: g.ID, Text: g.Text, Corrected: g.Text, Edits: []gecscore.Edit{}}
		res, err := c.check(context.Background(), g.Text, threshold, cache)
		if _, refused := IsInputError(err); refused {
			ev.Refused++
		} else if err != nil {
			return Evaluation{}, fmt.Errorf("%s: %w", g.ID, err)
		} else {
			pred.Corrected = res.Corrected
			for _, e := range res.Edits {
				pred.Edits = append(pred.Edits, gecscore.Edit{Start: e.Start, End: e.End, Replacement: e.Replacement, Type: e.Type})
			}
		}
		ev.Predictions[i] = pred
	}
	ev.Report = gecscore.Score(gold, ev.Predictions)
	return ev, nil
}

// SweepPoint is the overall score at one threshold.
type SweepPoint struct {
	Threshold float64      `json:"threshold"`
	Overall   gecscore.Row `json:"-"`
	Scores    RowScore     `json:"overall"` // Overall for JSON
}

// Sweep scores the checker on gold at each threshold, to choose one on a
// validation set. The model tags each distinct sentence once, whatever
// the number of thresholds.
func (c *Checker) Sweep(gold []gecscore.Sentence, thresholds []float64) ([]SweepPoint, error) {
	cache := guessCache{}
	var out []SweepPoint
	for _, th := range thresholds {
		if err := checkThreshold(th); err != nil {
			return nil, err
		}
		ev, err := c.evaluate(gold, th, cache)
		if err != nil {
			return nil, err
		}
		out = append(out, SweepPoint{Threshold: th, Overall: ev.Report.Overall, Scores: rowScore(ev.Report.Overall)})
	}
	return out, nil
}

// SweepTable formats a sweep: one line per threshold, correction P, R and
// F0.5 in percent, the best F0.5 starred.
func SweepTable(points []SweepPoint) string {
	best := -1
	for i, p := range points {
		if best < 0 || p.Overall.F05() > points[best].Overall.F05() {
			best = i
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-9s %5s %5s %5s %6s %6s %6s\n", "threshold", "pred", "TP", "FP", "P", "R", "F0.5")
	for i, p := range points {
		o := p.Overall
		star := ""
		if i == best {
			star = " *"
		}
		fmt.Fprintf(&b, "%-9.2f %5d %5d %5d %6.1f %6.1f %6.1f%s\n", p.Threshold, o.Pred, o.TP, o.FP,
			100*o.Precision(), 100*o.Recall(), 100*o.F05(), star)
	}
	return b.String()
}

// Predictions makes scoreable sentences of another system's edits (one
// list per gold sentence), such as the rule-based baseline's.
func Predictions(gold []gecscore.Sentence, edits [][]gecscore.Edit) ([]gecscore.Sentence, error) {
	if len(edits) != len(gold) {
		return nil, fmt.Errorf("%d gold sentences but %d lists of edits", len(gold), len(edits))
	}
	out := make([]gecscore.Sentence, len(gold))
	for i, g := range gold {
		out[i] = gecscore.Sentence{ID: g.ID, Text: g.Text, Edits: append([]gecscore.Edit{}, edits[i]...)}
		out[i].Corrected, _ = gecscore.Apply(g.Text, edits[i])
	}
	return out, nil
}

// Texts is the learner's text of each gold sentence.
func Texts(gold []gecscore.Sentence) []string {
	out := make([]string, len(gold))
	for i, g := range gold {
		out[i] = g.Text
	}
	return out
}

// CompareTable puts systems' scores side by side: per error type the gold
// count and each system's correction P, R and F0.5 in percent ("-" where
// there is nothing to divide by).
func CompareTable(names []string, reports []gecscore.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-15s %5s", "type", "gold")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-20.20s", n)
	}
	fmt.Fprintf(&b, "\n%-15s %5s", "", "")
	for range names {
		fmt.Fprintf(&b, "  %6s %6s %6s", "P", "R", "F0.5")
	}
	b.WriteString("\n")
	types := append(append([]string{}, gecscore.Types...), "overall")
	for _, typ := range types {
		rows := make([]gecscore.Row, len(reports))
		gold := 0
		for i, r := range reports {
			rows[i] = r.Row(typ)
			if typ == "overall" {
				rows[i] = r.Overall
			}
			gold = max(gold, rows[i].Gold)
		}
		fmt.Fprintf(&b, "%-15s %5d", typ, gold)
		for _, row := range rows {
			p, r := percent(row.TP, row.TP+row.FP), percent(row.TP, row.TP+row.FN)
			f := "-"
			if p != "-" || r != "-" {
				f = fmt.Sprintf("%.1f", 100*row.F05())
			}
			fmt.Fprintf(&b, "  %6s %6s %6s", p, r, f)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func percent(num, den int) string {
	if den == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", 100*float64(num)/float64(den))
}

// Scores is a report in JSON's terms: per type and overall, the counts and
// the correction and detection P, R and F0.5 (fractions, not percent).
type Scores struct {
	Sentences int        `json:"sentences"`
	Types     []RowScore `json:"types"`
	Overall   RowScore   `json:"overall"`
}

// RowScore is one row of Scores.
type RowScore struct {
	Type      string  `json:"type"`
	Gold      int     `json:"gold"`
	Pred      int     `json:"pred"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
	P         float64 `json:"p"`
	R         float64 `json:"r"`
	F05       float64 `json:"f05"`
	DetectedP float64 `json:"detection_p"`
	DetectedR float64 `json:"detection_r"`
	DetectedF float64 `json:"detection_f05"`
}

// ScoresOf converts a report for JSON output.
func ScoresOf(r gecscore.Report) Scores {
	s := Scores{Sentences: r.Sentences, Types: []RowScore{}, Overall: rowScore(r.Overall)}
	for _, w := range r.Rows {
		s.Types = append(s.Types, rowScore(w))
	}
	return s
}

func rowScore(w gecscore.Row) RowScore {
	return RowScore{Type: w.Type, Gold: w.Gold, Pred: w.Pred, TP: w.TP, FP: w.FP, FN: w.FN,
		P: w.Precision(), R: w.Recall(), F05: w.F05(),
		DetectedP: w.DetectionPrecision(), DetectedR: w.DetectionRecall(), DetectedF: w.DetectionF05()}
}
