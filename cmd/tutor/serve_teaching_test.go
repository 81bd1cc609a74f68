package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/server/api"
)

// A model directory that does not hold a usable model, or a missing word
// table, stops the server before it writes anything, with a message that
// names the flag and says how to start without the model.
func TestServeRefusesBadModelDirs(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tutor.db")
	missing, notModel := filepath.Join(dir, "missing"), t.TempDir()
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--check-model", missing}, []string{"--check-model " + missing, "does not exist", "--check-model off"}},
		{[]string{"--check-model", notModel}, []string{"--check-model " + notModel, "tutor train", "--check-model off"}},
		{[]string{"--check-model", "../../testdata/tiny-model"}, []string{"not a tagging model", "--check-model off"}},
		{[]string{"--check-model", notModel, "--lexicon", missing}, []string{"--lexicon " + missing}},
		{[]string{"--grade-model", missing}, []string{"--grade-model " + missing, "--grade-model off"}},
		{[]string{"--grade-model", "../../testdata/tiny-model"}, []string{"not a grading model", "--grade-model off"}},
	} {
		args := []string{"--addr", "127.0.0.1:0", "--db", db, "--lexicon", "../../data/errors", "--explanations", "../../data/explain/en-for-zh.json"}
		err := runServe(append(args, tc.args...))
		if err == nil {
			t.Fatalf("serve %v started", tc.args)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("serve %v: the error does not say %q: %v", tc.args, w, err)
			}
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a refused start made the database file: %v", err)
	}
}

// TestServeFindsTheReleasedChecker: run from the repository, serve uses the
// released grammar checker unless told --check-model off.
func TestServeFindsTheReleasedChecker(t *testing.T) {
	var m teachingModels
	m.checkModel = releasedCheckModel
	t.Chdir("../..")
	if _, err := os.Stat(releasedCheckModel); err != nil {
		t.Fatalf("the released checker is missing: %v", err)
	}
	var opts api.Options
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m.lexicon, m.explanations, m.threshold = "data/errors", "data/explain/en-for-zh.json", 0.8
	if err := m.load(&opts, log); err != nil {
		t.Fatal(err)
	}
	if opts.Checker == nil {
		t.Fatal("no checker loaded from " + releasedCheckModel)
	}
	off := teachingModels{checkModel: "off"}
	opts = api.Options{}
	if err := off.load(&opts, log); err != nil || opts.Checker != nil {
		t.Fatalf("--check-model off: err %v, checker %v", err, opts.Checker)
	}
}
