// Package checkertest trains tiny grammar checkers and graders for the
// tests of the packages that serve them (the HTTP API, the browser app):
// testdata/tiny-model fine-tuned for 200 steps on a few sentences, enough
// to reproduce what it was taught. It is for tests only.
//
// It imports testing and the model packages; it must not import server or
// app.
package checkertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/tutor-dev/tutor/model/gec"
	"github.com/tutor-dev/tutor/model/gecscore"
	"github.com/tutor-dev/tutor/model/train"
)

// TrainChecker fine-tunes a tagger into dir/checker on marked sentences
// ("She {go=>goes|agreement} home.", model/gecscore's markup) and their
// corrections, and returns its run directory. root is the repository's
// root as seen from the test ("../..").
func TrainChecker(t testing.TB, root, dir string, marked []string) string {
	t.Helper()
	lex, err := gec.LoadLexicon(os.DirFS(filepath.Join(root, "data", "errors")))
	if err != nil {
		t.Fatal(err)
	}
	tg := gec.NewTagger(lex)
	var lines []any
	for i, m := range marked {
		s, err := gecscore.ParseMarkup(fmt.Sprint(i), m)
		if err != nil {
			t.Fatal(err)
		}
		ex := gec.Example{Corrupted: s.Text, Correct: s.Corrected}
		for _, ed := range s.Edits {
			ex.Edits = append(ex.Edits, gec.Edit{Start: ed.Start, End: ed.End, Replacement: ed.Replacement, Type: ed.Type})
		}
		for _, ex := range []gec.Example{ex, {Corrupted: s.Corrected, Correct: s.Corrected}} {
			passes, err := tg.ToTagging(ex)
			if err != nil {
				t.Fatalf("%q: %v", ex.Corrupted, err)
			}
			for _, p := range passes {
				lines = append(lines, p)
			}
		}
	}
	return Train(t, root, filepath.Join(dir, "checker"), "tagging", "", lines)
}

// Train fine-tunes testdata/tiny-model for head on lines (each encoded as
// one JSONL line of `tutor train`'s labelled data) into dir, extra being
// more config keys (`"labels": [...],`), and returns the run directory.
func Train(t testing.TB, root, dir, head, extra string, lines []any) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var data bytes.Buffer
	for _, l := range lines {
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		data.Write(append(b, '\n'))
	}
	path := filepath.Join(dir, "data.jsonl")
	if err := os.WriteFile(path, data.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tiny, err := filepath.Abs(filepath.Join(root, "testdata", "tiny-model"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := train.ParseConfig([]byte(`{"init": "`+tiny+`", "head": "`+head+`", `+extra+`
		"data": {"train": "`+path+`", "val": "`+path+`"},
		"batch_size": 8, "steps": 200, "lr": 0.01, "warmup": 10, "eval_every": 200, "seed": 1}`), dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "run")
	var progress bytes.Buffer
	if _, err := train.Run(context.Background(), cfg, train.Options{Out: out, Progress: &progress}); err != nil {
		t.Fatalf("training a tiny %s model: %v\n%s", head, err, progress.String())
	}
	return out
}
