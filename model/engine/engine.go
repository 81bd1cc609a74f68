package engine

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/bundle"
	"github.com/tutor-dev/tutor/model/checker"
	"github.com/tutor-dev/tutor/model/gec"
	"github.com/tutor-dev/tutor/model/grader"
	_ "github.com/tutor-dev/tutor/model/quant" // bundles hold int8 models
	"github.com/tutor-dev/tutor/model/train"
)

// The tasks a bundle's manifest may name, and the file in a "gec" bundle
// that holds the explanations.
const (
	TaskGEC          = "gec"
	TaskGrade        = "grade"
	ExplanationsFile = "explanations.json"
)

// Engine is an opened bundle: a checker or a grader. Like the models it
// wraps, it computes one request at a time.
type Engine struct {
	Manifest bundle.Manifest
	Checker  *checker.Checker // for a "gec" bundle
	Grader   *grader.Grader   // for a "grade" bundle
}

// Open verifies the bundle files against pub and opens the model in it,
// computed with ops (nil: model.FastOps). A bundle that fails the check is
// refused whole: nothing of it runs.
func Open(files map[string][]byte, pub ed25519.PublicKey, ops *model.Ops) (*Engine, error) {
	fsys := memFS(files)
	man, err := bundle.Verify(fsys, pub)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("model version %d", man.Version)
	t, err := train.OpenFS(bundle.CheckpointFS(fsys), name, train.OpenOptions{Ops: ops})
	if err != nil {
		return nil, err
	}
	e := &Engine{Manifest: man}
	switch man.Task {
	case TaskGEC:
		e.Checker, err = openChecker(fsys, t)
	case TaskGrade:
		e.Grader, err = grader.New(t)
	default:
		err = fmt.Errorf("%s does %q; the browser runs %q and %q models: publish it with --task", name, man.Task, TaskGEC, TaskGrade)
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

func openChecker(fsys fs.FS, t *train.Trained) (*checker.Checker, error) {
	lx, err := gec.LoadLexicon(fsys)
	if err != nil {
		return nil, fmt.Errorf("the bundle's word tables: %w; publish gec models with `tutor publish --task gec`, which adds them", err)
	}
	f, err := fsys.Open(ExplanationsFile)
	if err != nil {
		return nil, fmt.Errorf("the bundle has no %s; publish gec models with `tutor publish --task gec`, which adds it", ExplanationsFile)
	}
	defer f.Close()
	x, err := gec.LoadExplanations(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ExplanationsFile, err)
	}
	return checker.New(t, lx, x, checker.Options{})
}

// CheckerFiles are the files a "gec" bundle carries besides the model (by
// bundle name → path): the word tables in lexiconDir and the explanation
// file.
func CheckerFiles(lexiconDir, explanationsPath string) (map[string]string, error) {
	files := map[string]string{ExplanationsFile: explanationsPath}
	for _, name := range gec.LexiconFiles {
		files[name] = filepath.Join(lexiconDir, name)
	}
	for name, path := range files {
		if _, err := os.Stat(path); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s is missing (the checker's %s): pass --lexicon DIR and --explanations FILE", path, name)
			}
			return nil, err
		}
	}
	return files, nil
}
