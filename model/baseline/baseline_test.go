package baseline

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tutor-dev/tutor/model/gecscore"
)

// These tests run the real hunspell and link-parser. Where they are missing
// the tests fail with the apt-get command that installs them.

func TestCheckCorrectsWhatTheToolsJustify(t *testing.T) {
	cases := []struct {
		text string
		want []Edit
	}{
		{"He go to the libary every day.", []Edit{
			{Start: 3, End: 5, Replacement: "goes", Type: "agreement"},
			{Start: 13, End: 19, Replacement: "library", Type: "spelling"}}},
		{"She is a engineer.", []Edit{{Start: 7, End: 8, Replacement: "an", Type: "article"}}},
		{"It is an university.", []Edit{{Start: 6, End: 8, Replacement: "a", Type: "article"}}},
		{"They is happy.", []Edit{{Start: 5, End: 7, Replacement: "are", Type: "agreement"}}},
		{"We visits our grandmother on sundays.", []Edit{
			{Start: 3, End: 9, Replacement: "visit", Type: "agreement"},
			{Start: 29, End: 36, Replacement: "Sundays", Type: "capitalization"}}},
		// "，" is one character: "watch" starts at 26. The adverb is skipped.
		{"I was tired，so she always watch TV.", []Edit{
			{Start: 26, End: 31, Replacement: "watches", Type: "agreement"}}},
		// only the rewrite that makes the sentence parse is kept.
		{"He can swim and she like it.", []Edit{{Start: 20, End: 24, Replacement: "likes", Type: "agreement"}}},
		{"This sentence is fine.", []Edit{}},
		{"My brother and I play tennis on Saturdays.", []Edit{}},
		{"", []Edit{}},
		{"!!!", []Edit{}},
	}
	texts := make([]string, len(cases))
	for i, c := range cases {
		texts[i] = c.text
	}
	got, err := Check(texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(cases) {
		t.Fatalf("%d answers for %d sentences", len(got), len(cases))
	}
	for i, c := range cases {
		if !reflect.DeepEqual(got[i], c.want) {
			t.Errorf("%q:\n got  %+v\n want %+v", c.text, got[i], c.want)
		}
	}
}

func TestCheckNothing(t *testing.T) {
	got, err := Check(nil)
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestMissingToolSaysHowToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Check([]string{"He go home."})
	if err == nil || !strings.Contains(err.Error(), "apt-get install -y hunspell hunspell-en-us link-grammar") {
		t.Fatalf("want an error naming the apt-get command, got %v", err)
	}
}

func TestMissingDictionarySaysHowToInstall(t *testing.T) {
	// A hunspell that cannot find en_US, as on a machine without hunspell-en-us.
	dir := shimDir(t, map[string]string{
		"hunspell": `echo 'Can'"'"'t open affix or dictionary files for dictionary named "en_US".' >&2; exit 1`,
	})
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	_, err := Check([]string{"He go home."})
	if err == nil || !strings.Contains(err.Error(), "apt-get install -y") || !strings.Contains(err.Error(), "dictionary") {
		t.Fatalf("want an error about the dictionary naming apt-get, got %v", err)
	}
}

// TestOneProcessPerTool runs the real tools behind logging wrappers and
// counts how often each was started for a batch.
func TestOneProcessPerTool(t *testing.T) {
	installed := map[string]string{}
	for _, name := range []string{"hunspell", "link-parser"} {
		path, err := exec.LookPath(name)
		if err != nil {
			t.Fatalf("%v; %s", err, installHint)
		}
		installed[name] = path
	}
	log := filepath.Join(t.TempDir(), "starts")
	dir := shimDir(t, map[string]string{
		"hunspell":    `echo hunspell >> ` + log + `; exec ` + installed["hunspell"] + ` "$@"`,
		"link-parser": `echo link-parser >> ` + log + `; exec ` + installed["link-parser"] + ` "$@"`,
	})
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	batch := []string{"He go home.", "They is here.", "She like tea and he like coffee.", "Fine.", "We was late."}
	if _, err := Check(batch); err != nil {
		t.Fatal(err)
	}
	starts, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Fields(string(starts)); !reflect.DeepEqual(got, []string{"hunspell", "link-parser"}) {
		t.Fatalf("tools started %v for %d sentences, want each once", got, len(batch))
	}
}

func TestHungToolIsStopped(t *testing.T) {
	dir := shimDir(t, map[string]string{"link-parser": "exec sleep 60"})
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := CheckContext(ctx, []string{"He go home."})
	if err == nil || !strings.Contains(err.Error(), "link-parser was stopped") {
		t.Fatalf("want link-parser stopped, got %v", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("stopping took %v", took)
	}
}

// TestHandwrittenSet runs the baseline on the hand-written learner set and
// logs its scores (go test -v -run TestHandwrittenSet ./model/baseline).
// It checks that every edit is well formed and that the baseline still does
// what it did when it was measured, within a margin for other tool versions.
func TestHandwrittenSet(t *testing.T) {
	gold, err := gecscore.ReadGold("../../testdata/learner/handwritten.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	texts := make([]string, len(gold))
	for i, g := range gold {
		texts[i] = g.Text
	}
	edits, err := Check(texts)
	if err != nil {
		t.Fatal(err)
	}
	pred := make([]gecscore.Sentence, len(gold))
	for i, g := range gold {
		if err := gecscore.CheckEdits(g.Text, edits[i]); err != nil {
			t.Errorf("%s: %v", g.ID, err)
		}
		pred[i] = gecscore.Sentence{ID: g.ID, Text: g.Text, Edits: edits[i]}
	}
	report := gecscore.Score(gold, pred)
	t.Logf("rule-based baseline (hunspell + link-grammar) on %s:\n%s", "testdata/learner/handwritten.jsonl", report.Table())
	// Measured with hunspell 1.7.1 (en_US 2020.12.07) and link-grammar 5.12.0:
	// 37 edits, 32 right; P 86.5, R 13.3, F0.5 41.1.
	if o := report.Overall; o.TP < 25 || o.Precision() < 0.7 {
		t.Errorf("baseline fell to %d right edits, precision %.2f (measured: 32, 0.865)", o.TP, o.Precision())
	}
}

func shimDir(t *testing.T, scripts map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
