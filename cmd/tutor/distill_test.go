package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDistillCommand distils the tiny tagger into a fresh student of the
// same shape through the command line, and refuses a task whose head the
// config does not train.
func TestDistillCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two tiny models")
	}
	teacher := tinyTagger(t)
	dir := t.TempDir()
	tiny, err := filepath.Abs("../../testdata/tiny-model")
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(filepath.Dir(teacher), "tags.jsonl")
	config := filepath.Join(dir, "student.json")
	if err := os.WriteFile(config, []byte(`{"init": "`+tiny+`", "head": "tagging",
		"data": {"train": "`+data+`", "val": "`+data+`"},
		"batch_size": 4, "steps": 40, "lr": 0.01, "warmup": 5, "eval_every": 40, "seed": 2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "student")
	if _, err := withStreams(t, "", func() error {
		return run([]string{"distill", "--teacher", teacher, "--task", "gec", "--config", config, "--out", out, "--temperature", "3"})
	}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Teacher *struct {
			Dir         string  `json:"dir"`
			Temperature float64 `json:"temperature"`
		} `json:"teacher"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Teacher == nil || rep.Teacher.Temperature != 3 || !strings.Contains(rep.Teacher.Dir, filepath.Base(teacher)) {
		t.Fatalf("report.json's teacher block = %+v, want the teacher at temperature 3", rep.Teacher)
	}
	err = run([]string{"distill", "--teacher", teacher, "--task", "grade", "--config", config, "--out", filepath.Join(dir, "x")})
	if err == nil || !strings.Contains(err.Error(), `needs "classification"`) {
		t.Fatalf("a grading task with a tagging config: err = %v", err)
	}
	if err := run([]string{"distill", "--task", "gec", "--out", out}); err == nil || !strings.Contains(err.Error(), "--teacher") {
		t.Fatalf("no teacher: err = %v", err)
	}
}
