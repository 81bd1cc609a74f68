package checker

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model/gec"
	"github.com/tutor-dev/tutor/model/gecscore"
)

// writeGold writes the taught sentences in both gold formats and returns
// the two paths.
func writeGold(t *testing.T) (sentences, examples string) {
	t.Helper()
	dir := t.TempDir()
	gold := taughtGold(t)
	var b bytes.Buffer
	if err := gecscore.WriteSentences(&b, gold); err != nil {
		t.Fatal(err)
	}
	sentences = filepath.Join(dir, "gold.jsonl")
	if err := os.WriteFile(sentences, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var exs []gec.Example
	for _, s := range gold {
		ex := gec.Example{Corrupted: s.Text, Correct: s.Corrected}
		for _, e := range s.Edits {
			ex.Edits = append(ex.Edits, gec.Edit{Start: e.Start, End: e.End, Replacement: e.Replacement, Type: e.Type})
		}
		exs = append(exs, ex)
	}
	b.Reset()
	if err := gec.WriteExamples(&b, exs); err != nil {
		t.Fatal(err)
	}
	examples = filepath.Join(dir, "examples.jsonl")
	if err := os.WriteFile(examples, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return sentences, examples
}

func TestReadGoldBothFormats(t *testing.T) {
	sentences, examples := writeGold(t)
	a, err := ReadGold(sentences)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadGold(examples)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(taught) || len(b) != len(taught) {
		t.Fatalf("read %d and %d sentences, want %d", len(a), len(b), len(taught))
	}
	for i := range a {
		if b[i].ID != "examples.jsonl:"+string(rune('1'+i)) {
			t.Errorf("example %d has id %q", i, b[i].ID)
		}
		b[i].ID = a[i].ID
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("the two formats read differently:\n%+v\n%+v", a, b)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte(`{"corrupted": "He go.", "correct": "He goes.", "edits": []}`+"\n"), 0o644)
	if _, err := ReadGold(bad); err == nil {
		t.Error("an example whose edits do not make its correction was accepted")
	}
	os.WriteFile(bad, []byte("He go.\n"), 0o644)
	if _, err := ReadGold(bad); err == nil || !strings.Contains(err.Error(), "JSONL") {
		t.Errorf("a text file was accepted, or the error does not say what is wanted: %v", err)
	}
}

func TestEvaluateAndSweep(t *testing.T) {
	c := openTiny(t, Options{})
	_, examples := writeGold(t)
	gold, err := ReadGold(examples)
	if err != nil {
		t.Fatal(err)
	}
	gold = append(gold, gecscore.Sentence{ID: "zh", Text: "我今天去学校了。", Corrected: "我今天去学校了。", Edits: []gecscore.Edit{}})
	ev, err := c.Evaluate(gold, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	edits := 0
	for _, g := range gold {
		edits += len(g.Edits)
	}
	if o := ev.Report.Overall; o.TP != edits || o.FP != 0 || ev.Refused != 1 || len(ev.Predictions) != len(gold) {
		t.Errorf("overall %+v, %d refused; want all %d edits found, nothing else, one refused", o, ev.Refused, edits)
	}
	points, err := c.Sweep(gold, []float64{0.5, 1.01})
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 2 || points[0].Overall.TP != edits || points[1].Overall.Pred != 0 {
		t.Errorf("sweep %+v; want all edits at 0.5 and none at 1.01", points)
	}
	if table := SweepTable(points); !strings.Contains(table, "0.50") || !strings.Contains(table, "*") {
		t.Errorf("sweep table:\n%s", table)
	}
	none, err := Predictions(gold, make([][]gecscore.Edit, len(gold)))
	if err != nil {
		t.Fatal(err)
	}
	table := CompareTable([]string{"model", "nothing"}, []gecscore.Report{ev.Report, gecscore.Score(gold, none)})
	if !strings.Contains(table, "overall") || !strings.Contains(table, "100.0") {
		t.Errorf("comparison table:\n%s", table)
	}
	if _, err := Predictions(gold, nil); err == nil {
		t.Error("predictions for no sentence were accepted")
	}
	if s := ScoresOf(ev.Report); s.Overall.F05 != 1 || s.Sentences != len(gold) {
		t.Errorf("scores %+v", s.Overall)
	}
}
