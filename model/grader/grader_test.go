package grader

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tutor-dev/tutor/model/train"
)

// testdata is the repository's testdata directory (the tiny pre-trained
// model and its tokenizer).
func testdata(name string) string {
	p, _ := filepath.Abs(filepath.Join("..", "..", "testdata", name))
	return p
}

// The toy grading task: the answer's words say the grade. The words are
// from the tiny model's text, so its tokenizer knows them; the exercise
// and the reference vary and carry nothing.
var (
	toyAnswers = map[string][]string{
		Correct:    {"delighted", "happy", "pleased"},
		Acceptable: {"at home", "in the garden", "at the window"},
		Wrong:      {"angry", "vexed", "unhappy"},
	}
	toyExercises  = []string{"Emma was ___ today.", "Harriet was ___ again.", "Jane was ___ this morning."}
	toyReferences = []string{"glad", "charmed", "cheerful"}
)

func toyExamples(n int, seed uint64) []train.Example {
	rng := rand.New(rand.NewPCG(seed, 5))
	out := make([]train.Example, n)
	for i := range out {
		label := Labels[rng.IntN(len(Labels))]
		answers := toyAnswers[label]
		out[i] = train.Example{Label: label, Text: FormatInput(toyExercises[rng.IntN(len(toyExercises))],
			[]string{toyReferences[rng.IntN(len(toyReferences))]}, answers[rng.IntN(len(answers))])}
	}
	return out
}

func writeJSONL(t testing.TB, path string, exs []train.Example) {
	t.Helper()
	var b bytes.Buffer
	for _, ex := range exs {
		line, _ := json.Marshal(ex)
		b.Write(append(line, '\n'))
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fineTune trains the tiny model's classification head on the given files
// with the given label order into the run directory out.
func fineTune(t testing.TB, out, trainFile, valFile string, labels []string, epochs float64) {
	t.Helper()
	ls, _ := json.Marshal(labels)
	cfg, err := train.ParseConfig([]byte(fmt.Sprintf(`{
		"init": %q, "head": "classification", "labels": %s,
		"data": {"train": %q, "val": %q},
		"batch_size": 16, "epochs": %g, "lr": 0.003, "warmup": 5, "eval_every": 20, "seed": 3}`,
		testdata("tiny-model"), ls, trainFile, valFile, epochs)), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if _, err := train.Run(context.Background(), cfg, train.Options{Out: out, Progress: &log}); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
}

var (
	toyOnce  sync.Once
	toyDir   string // outlives the test that trains it; TestMain removes it
	toyError error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if toyDir != "" {
		os.RemoveAll(toyDir)
	}
	os.Exit(code)
}

// toyGrader is a grader fine-tuned on the toy task, trained once for all
// tests. Its labels are in another order than Labels, so a grader that
// read the head's outputs by position instead of by name would fail.
func toyGrader(t *testing.T) *Grader {
	t.Helper()
	toyOnce.Do(func() {
		if toyDir, toyError = os.MkdirTemp("", "grader-toy-"); toyError != nil {
			return
		}
		trainFile, valFile := filepath.Join(toyDir, "train.jsonl"), filepath.Join(toyDir, "val.jsonl")
		writeJSONL(t, trainFile, toyExamples(150, 1))
		writeJSONL(t, valFile, toyExamples(45, 2))
		toyError = fmt.Errorf("training the toy grader failed") // until it succeeds: later tests must not open half a run
		fineTune(t, filepath.Join(toyDir, "run"), trainFile, valFile, []string{Wrong, Acceptable, Correct}, 6)
		toyError = nil
	})
	if toyError != nil {
		t.Fatal(toyError)
	}
	g, err := Open(filepath.Join(toyDir, "run"))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGrade checks that the grader reads the trained head by label name
// and reports probabilities.
func TestGrade(t *testing.T) {
	g := toyGrader(t)
	right, total := 0, 0
	for _, want := range Labels {
		for _, answer := range toyAnswers[want] {
			res, err := g.Grade("Miss Bates was ___ after dinner.", []string{"glad"}, answer)
			if err != nil {
				t.Fatal(err)
			}
			total++
			if res.Grade == want {
				right++
			}
			sum := 0.0
			for _, p := range res.Scores {
				sum += p
			}
			if len(res.Scores) != 3 || math.Abs(sum-1) > 1e-6 || res.Scores[res.Grade] != res.Confidence || res.Exact {
				t.Errorf("%q: %+v; want three probabilities summing to 1, the grade's as confidence, not exact", answer, res)
			}
			for _, p := range res.Scores {
				if p > res.Confidence {
					t.Errorf("%q: %+v: the grade is not the most probable", answer, res)
				}
			}
		}
	}
	if right < total-2 {
		t.Errorf("the toy grader got %d of %d answers right; it learnt an easy task, so the outputs are read wrongly", right, total)
	}
}

// TestGradeExact: an answer equal to a reference after normalising is
// correct without the model.
func TestGradeExact(t *testing.T) {
	g := toyGrader(t)
	for _, answer := range []string{"Take a look at。", "take  a look at", "TAKE A LOOK AT!"} {
		res, err := g.Grade("看看", []string{"", "take a look at"}, answer)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Exact || res.Grade != Correct || res.Confidence != 1 || res.Scores[Correct] != 1 {
			t.Errorf("%q: %+v, want an exact correct answer with confidence 1", answer, res)
		}
	}
	res, err := g.Grade("看看", []string{"take a look at"}, "take a look")
	if err != nil || res.Exact {
		t.Errorf("a partial answer: %+v, %v; it must go to the model", res, err)
	}
}

func TestGradeInputErrors(t *testing.T) {
	g := toyGrader(t)
	long := strings.Repeat("word ", 100)
	many := make([]string, MaxReferences+1)
	for i := range many {
		many[i] = "take a look at"
	}
	for _, c := range []struct {
		exercise string
		refs     []string
		answer   string
		code     string
	}{
		{"看看", []string{"take a look at"}, "  \n", "empty"},
		{"看看", nil, "take a look", "empty"},
		{"看看", []string{" ", ""}, "take a look", "empty"},
		{"看看", []string{"take a look at"}, long, "too_long"},
		{"看看", []string{long}, "take a look", "too_long"},
		{"看看", many, "take a look", "too_long"},
		{strings.Repeat("练", MaxExerciseChars+1), []string{"x"}, "take a look", "too_long"},
	} {
		_, err := g.Grade(c.exercise, c.refs, c.answer)
		ie, ok := IsInputError(err)
		if !ok || ie.Code != c.code || ie.Message == "" {
			t.Errorf("Grade(%.20q, %d refs, %.20q) = %v, want an InputError %q", c.exercise, len(c.refs), c.answer, err, c.code)
		}
	}
}

// TestGradeConcurrent: grades computed at once equal grades computed one
// by one (the model's buffers are shared; go test -race checks the lock).
func TestGradeConcurrent(t *testing.T) {
	g := toyGrader(t)
	answers := append(append(append([]string{}, toyAnswers[Correct]...), toyAnswers[Acceptable]...), toyAnswers[Wrong]...)
	want := make([]Result, len(answers))
	for i, a := range answers {
		var err error
		if want[i], err = g.Grade("Emma was ___ today.", []string{"glad"}, a); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	got := make([]Result, 4*len(answers))
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = g.Grade("Emma was ___ today.", []string{"glad"}, answers[i%len(answers)])
		}()
	}
	wg.Wait()
	for i, r := range got {
		w := want[i%len(answers)]
		if r.Grade != w.Grade || math.Abs(r.Confidence-w.Confidence) > 1e-9 {
			t.Errorf("%q graded concurrently: %+v, alone: %+v", answers[i%len(answers)], r, w)
		}
	}
}

// TestOpenRefuses: a model without a classification head, or with other
// labels, is not a grader, and the error says what to do.
func TestOpenRefuses(t *testing.T) {
	_, err := Open(testdata("tiny-model"))
	if err == nil || !strings.Contains(err.Error(), "want classification") || !strings.Contains(err.Error(), "tutor train") {
		t.Errorf("Open(a pre-trained model) = %v; want a refusal naming the classification head and tutor train", err)
	}
	other := t.TempDir()
	fineTune(t, other, testdata("tiny-classify-train.jsonl"), testdata("tiny-classify-val.jsonl"), nil, 0.2)
	_, err = Open(other)
	if err == nil || !strings.Contains(err.Error(), "negative, neutral, positive") || !strings.Contains(err.Error(), "tutor data grade") {
		t.Errorf("Open(a sentiment classifier) = %v; want a refusal naming its labels and tutor data grade", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "nothing")); err == nil {
		t.Error("Open(a missing directory) succeeded")
	}
}
