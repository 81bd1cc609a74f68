package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model/train"
)

// tinyTagger fine-tunes testdata/tiny-model to tag "She go home now." as
// an agreement error and a few sentences as right; it returns the run
// directory.
func tinyTagger(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	keep := func(n int) string { return `"KEEP"` + strings.Repeat(`, "KEEP"`, n-1) }
	data := filepath.Join(dir, "tags.jsonl")
	lines := `{"text": "$START She go home now .", "tags": ["KEEP", "KEEP", "VERB_VBZ|agreement", "KEEP", "KEEP", "KEEP"]}
{"text": "$START She goes home now .", "tags": [` + keep(6) + `]}
{"text": "$START We like green tea .", "tags": [` + keep(6) + `]}
{"text": "$START The dog runs fast .", "tags": [` + keep(6) + `]}
`
	if err := os.WriteFile(data, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	tiny, err := filepath.Abs("../../testdata/tiny-model")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := train.ParseConfig([]byte(`{"init": "`+tiny+`", "head": "tagging",
		"data": {"train": "`+data+`", "val": "`+data+`"},
		"batch_size": 4, "steps": 200, "lr": 0.01, "warmup": 10, "eval_every": 200, "seed": 1}`), dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "run")
	if _, err := train.Run(context.Background(), cfg, train.Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	return out
}

// withStreams runs f with stdin reading in and returns what it wrote on
// stdout.
func withStreams(t *testing.T, in string, f func() error) (string, error) {
	t.Helper()
	var out bytes.Buffer
	stdin, stdout = strings.NewReader(in), &out
	defer func() { stdin, stdout = os.Stdin, os.Stdout }()
	err := f()
	return out.String(), err
}

var dataFlags = []string{"--lexicon", "../../data/errors", "--explanations", "../../data/explain/en-for-zh.json"}

// TestCheckCommand runs tutor check as the command line does: one answer
// a line, line N about line N, refused lines answered in place.
func TestCheckCommand(t *testing.T) {
	t.Setenv(checkModelEnv, "")
	if err := run([]string{"check"}); err == nil || !strings.Contains(err.Error(), "--model") {
		t.Errorf("tutor check without a model: %v; the error should ask for --model", err)
	}
	model := tinyTagger(t)
	in := "She go home now.\n\n我今天去学校了。\r\n" + strings.Repeat("ab ", 700) + "\nShe go home now."
	out, err := withStreams(t, in, func() error {
		return run(append([]string{"check", "--model", model}, dataFlags...))
	})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d answers for 5 lines:\n%s", len(lines), out)
	}
	type answer struct {
		Text      string `json:"text"`
		Corrected string `json:"corrected"`
		Edits     []struct {
			Start, End    int
			Replacement   string
			Type          string
			ExplanationZH string `json:"explanation_zh"`
			ExplanationEN string `json:"explanation_en"`
		} `json:"edits"`
		Error *struct{ Code, Message string } `json:"error"`
	}
	var got []answer
	for i, l := range lines {
		var a answer
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("answer %d is not JSON: %v\n%s", i+1, err, l)
		}
		got = append(got, a)
	}
	for _, i := range []int{0, 4} {
		a := got[i]
		if a.Corrected != "She goes home now." || len(a.Edits) != 1 || a.Edits[0].Start != 4 || a.Edits[0].End != 6 ||
			a.Edits[0].Type != "agreement" || a.Edits[0].ExplanationZH == "" || a.Edits[0].ExplanationEN == "" {
			t.Errorf("answer %d: %s", i+1, lines[i])
		}
	}
	if a := got[1]; a.Text != "" || a.Edits == nil || len(a.Edits) != 0 || a.Error != nil {
		t.Errorf("an empty line was answered %s", lines[1])
	}
	if a := got[2]; a.Error == nil || a.Error.Code != "not_english" || a.Text != "我今天去学校了。" {
		t.Errorf("a Chinese line was answered %s", lines[2])
	}
	if a := got[3]; a.Error == nil || a.Error.Code != "too_long" {
		t.Errorf("a long line was answered %.200s", lines[3])
	}
}

// TestEvalGECCommand scores the tiny tagger on a gold set of both formats,
// with the threshold sweep.
func TestEvalGECCommand(t *testing.T) {
	model := tinyTagger(t)
	dir := t.TempDir()
	sentences := filepath.Join(dir, "gold.jsonl")
	examples := filepath.Join(dir, "examples.jsonl")
	os.WriteFile(sentences, []byte(`{"id": "a", "text": "She go home now.", "corrected": "She goes home now.", "edits": [{"start": 4, "end": 6, "replacement": "goes", "type": "agreement"}]}
{"id": "b", "text": "We like green tea.", "corrected": "We like green tea.", "edits": []}
`), 0o644)
	os.WriteFile(examples, []byte(`{"corrupted": "She go home now.", "correct": "She goes home now.", "edits": [{"start": 4, "end": 6, "replacement": "goes", "type": "agreement"}]}
`), 0o644)
	args := append([]string{"eval", "gec", "--model", model, "--data", sentences + "," + examples}, dataFlags...)
	out, err := withStreams(t, "", func() error { return run(append(args, "--json")) })
	if err != nil {
		t.Fatal(err)
	}
	var res []struct {
		Sentences int
		Model     struct{ Overall struct{ TP, FP, Gold int } }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res) != 2 || res[0].Sentences != 2 || res[1].Sentences != 1 {
		t.Fatalf("results %+v", res)
	}
	for i, r := range res {
		if o := r.Model.Overall; o.TP != 1 || o.FP != 0 || o.Gold != 1 {
			t.Errorf("set %d: overall %+v; want the one edit found", i+1, o)
		}
	}
	out, err = withStreams(t, "", func() error { return run(append(args, "--sweep")) })
	if err != nil || !strings.Contains(out, "0.90") || !strings.Contains(out, "F0.5") {
		t.Errorf("sweep: %v\n%s", err, out)
	}
	out, err = withStreams(t, "", func() error { return run(args) })
	if err != nil || !strings.Contains(out, "agreement") || !strings.Contains(out, "overall") {
		t.Errorf("table: %v\n%s", err, out)
	}
	if err := run([]string{"eval", "gec", "--model", model}); err == nil || !strings.Contains(err.Error(), "--data") {
		t.Errorf("eval gec without data: %v", err)
	}
}
