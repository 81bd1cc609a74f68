package train

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestConfigErrors checks that each mistake in a config file gets an
// error that names what is wrong.
func TestConfigErrors(t *testing.T) {
	base := `"model": "tiny", "data": {"train_text": "tiny-train.txt", "val_text": "tiny-val.txt", "tokenizer": "tiny-tokenizer.json"}, "steps": 10, "lr": 0.001`
	for _, c := range []struct{ config, want string }{
		{`{` + base + `, "lrr": 1}`, `unknown key "lrr"`},
		{`{"model": "tiny", "data": {"corpuss": "x"}, "steps": 10, "lr": 0.001}`, `unknown key "corpuss" in "data"`},
		{`{"model": "tiny", "head": "tagging", "lora": {"rank": 4, "alpa": 8}}`, `unknown key "alpa" in "lora"`},
		{`{` + base + `, "epochs": 2}`, `exactly one of "steps" and "epochs"`},
		{`{"model": "tiny", "data": {"train_text": "a.txt"}, "steps": 1, "lr": 0.1}`, `"val_text"`},
		{`{"model": "tiny", "steps": 1, "lr": 0.1}`, `tutor data corpus`},
		{`{` + base + `, "objective": "diffusion"}`, `"objective" is "diffusion"`},
		{`{` + base + `, "head": "regression"}`, `"head" is "regression"`},
		{`{` + base + `, "dropout": 1}`, `"dropout" is 1`},
		{`{` + base + `, "init": "x"}`, `both "model" and "init"`},
		{`{"data": {"corpus": "x"}, "steps": 1, "lr": 0.1}`, `neither "model"`},
		{`{` + base + `, "lora": {"rank": 4, "alpha": 8}}`, `"lora"`},
		{`{"model": "tiny", "head": "classification", "data": {"train": "a.jsonl"}, "steps": 1, "lr": 0.1}`, `"val"`},
		{`{` + base + `} {}`, `more than one JSON value`},
		{`{"model": "tiny" "steps": 1}`, `invalid character`},
	} {
		_, err := ParseConfig([]byte(c.config), testdata(""))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s\n  error %v, want one containing %q", c.config, err, c.want)
		}
	}
}

// TestMissingData checks the messages for data that is not there: a
// corpus that was never built, and a preset whose vocabulary is smaller
// than the tokenizer.
func TestMissingData(t *testing.T) {
	cfg := configFrom(t, `{"model": "student", "data": {"corpus": "no-such-build", "tokenizer": "tiny-tokenizer.json"}, "steps": 1, "lr": 0.001}`)
	_, err := Run(context.Background(), cfg, Options{Out: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "tutor data corpus") {
		t.Errorf("missing corpus: %v, want advice to run tutor data corpus", err)
	}
	cfg = configFrom(t, `{"model": {"vocab_size": 100, "max_seq_len": 16, "n_layer": 1, "n_embd": 8, "n_head": 2},
		"data": {"train_text": "tiny-train.txt", "val_text": "tiny-val.txt", "tokenizer": "tiny-tokenizer.json"}, "steps": 1, "lr": 0.001}`)
	_, err = Run(context.Background(), cfg, Options{Out: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "vocab_size ≥ 512") {
		t.Errorf("model vocabulary smaller than the tokenizer: %v", err)
	}
	cfg = configFrom(t, `{"init": "no-such-run", "head": "classification", "data": {"train": "tiny-classify-train.jsonl", "val": "tiny-classify-val.jsonl", "tokenizer": "tiny-tokenizer.json"}, "steps": 1, "lr": 0.001}`)
	_, err = Run(context.Background(), cfg, Options{Out: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "no checkpoint at") {
		t.Errorf("missing init checkpoint: %v", err)
	}
}

func TestDevice(t *testing.T) {
	var log strings.Builder
	if err := Device("cpu", &log); err != nil || log.Len() != 0 {
		t.Errorf("cpu: %v, %q", err, log.String())
	}
	if err := Device("auto", &log); err != nil || !strings.Contains(log.String(), "no GPU found, training on CPU") {
		t.Errorf("auto: %v, %q", err, log.String())
	}
	if err := Device("cuda", nil); err == nil || !strings.Contains(err.Error(), "no CUDA backend yet") {
		t.Errorf("cuda: %v", err)
	}
	if err := Device("tpu", nil); err == nil {
		t.Error("tpu: no error")
	}
}

// TestClassReport compares with scikit-learn's classification_report on
// the same labels: y_true = [0,0,1,1,2,2,2], y_pred = [0,1,1,1,2,0,2].
func TestClassReport(t *testing.T) {
	r := NewClassReport([]string{"a", "b", "c"}, []int32{0, 0, 1, 1, 2, 2, 2}, []int32{0, 1, 1, 1, 2, 0, 2})
	want := []Scores{
		{Precision: 0.5, Recall: 0.5, F1: 0.5, Support: 2},
		{Precision: 2.0 / 3, Recall: 1, F1: 0.8, Support: 2},
		{Precision: 1, Recall: 2.0 / 3, F1: 0.8, Support: 3},
	}
	for i, w := range want {
		g := r.Classes[i].Scores
		if !near(g.Precision, w.Precision) || !near(g.Recall, w.Recall) || !near(g.F1, w.F1) || g.Support != w.Support {
			t.Errorf("class %s: %+v, want %+v", r.Classes[i].Label, g, w)
		}
	}
	if !near(r.Accuracy, 5.0/7) || !near(r.MacroAvg.F1, 0.7) || !near(r.WeightedAvg.F1, (0.5*2+0.8*2+0.8*3)/7) {
		t.Errorf("accuracy %v, macro F1 %v, weighted F1 %v", r.Accuracy, r.MacroAvg.F1, r.WeightedAvg.F1)
	}
	// A class never predicted and never present scores 0, as scikit-learn's zero_division default does.
	r = NewClassReport([]string{"a", "b"}, []int32{0}, []int32{0})
	if r.Classes[1].Precision != 0 || r.Classes[1].F1 != 0 || r.MacroAvg.F1 != 0.5 {
		t.Errorf("empty class: %+v, macro %+v", r.Classes[1], r.MacroAvg)
	}
	s := r.String()
	for _, w := range []string{"precision    recall  f1-score   support", "accuracy", "macro avg", "weighted avg"} {
		if !strings.Contains(s, w) {
			t.Errorf("report text lacks %q:\n%s", w, s)
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// TestProgressLine checks the status line and that a non-terminal gets
// whole lines only at validations and every half minute.
func TestProgressLine(t *testing.T) {
	s := status{Step: 1250, Total: 2500, Loss: 4.56789, ValLoss: 4.7, TokensPerS: 12345.6, ETA: 95 * time.Second}
	want := "step 1250/2500 [=====     ] 50%  loss 4.568  val 4.700  12,346 tok/s  ETA 1m35s"
	if got := s.line(); got != want || len(got) > 80 {
		t.Errorf("status line\n got %q\nwant %q", got, want)
	}
	clock := time.Unix(0, 0)
	var out strings.Builder
	p := newProgress(&out, func() time.Time { return clock })
	p.update(s, false) // first line
	clock = clock.Add(10 * time.Second)
	p.update(s, false) // too soon
	p.update(s, true)  // a validation
	clock = clock.Add(31 * time.Second)
	p.update(s, false)
	p.done("done")
	if n := strings.Count(out.String(), "\n"); n != 4 || strings.Contains(out.String(), "\r") {
		t.Errorf("progress into a file wrote %d lines:\n%s", n, out.String())
	}
}
