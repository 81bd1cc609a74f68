// Package grader judges a learner's free answer to an exercise against its
// reference answers: correct, acceptable (the right answer with a small
// error) or wrong, with the classifier's confidence.
//
// An answer equal to a reference after Normalize is correct without running
// the model. Every other answer goes through a sequence classifier
// fine-tuned with `tutor train` (head "classification", labels correct,
// acceptable, wrong) on the text FormatInput writes; package
// model/grader/gradedata builds its training data from the course
// (docs/GRADING.md).
//
// It imports the standard library and the model packages; it must not
// import server, app, net/http or database/sql.
package grader

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	_ "github.com/tutor-dev/tutor/model/quant" // int8 models (tutor quantize) open like float ones
	"github.com/tutor-dev/tutor/model/tokenizer"
	"github.com/tutor-dev/tutor/model/train"
)

// Limits on what Grade reads; longer input is an InputError "too_long".
// An answer is one sentence (the generator of the training data takes up
// to 400 characters); the model reads at most its max_seq_len tokens anyway.
const (
	MaxAnswerChars    = 400
	MaxReferenceChars = 400
	MaxReferences     = 20
	MaxExerciseChars  = 2000
)

// Result is a grade with the model's probabilities.
type Result struct {
	Grade      string             `json:"grade"`      // correct, acceptable or wrong
	Confidence float64            `json:"confidence"` // the probability of Grade
	Scores     map[string]float64 `json:"scores"`     // every grade's probability; they sum to 1
	// Exact says the answer matched a reference after Normalize, so the
	// model was not asked.
	Exact bool `json:"exact,omitempty"`
}

// InputError is input Grade refuses, with a code a program can act on
// ("empty" or "too_long") and a message that says what to do.
type InputError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *InputError) Error() string { return e.Message }

// Grader is a trained grading model. It is safe for concurrent use: the
// model's buffers are shared, so grades are computed one at a time.
type Grader struct {
	mu    sync.Mutex
	model *train.Trained
	index map[string]int // grade -> position in the head's output
}

// Open loads a grading model: a checkpoint directory or a run directory of
// `tutor train` (its best/ is used).
func Open(modelDir string) (*Grader, error) {
	t, err := train.Open(modelDir, train.OpenOptions{})
	if err != nil {
		return nil, err
	}
	return New(t)
}

// New makes a grader of a trained model, which must classify into the
// grades.
func New(t *train.Trained) (*Grader, error) {
	if t.Head != train.HeadClassification || t.Model.Config.NumClasses == 0 {
		head := t.Head
		if head == "" {
			head = "none (a pre-trained model)"
		}
		return nil, fmt.Errorf("%s is not a grading model: its head is %s, want classification; "+
			"fine-tune one with `tutor train --config data/train/grade-student.json` (docs/GRADING.md)", t.Dir, head)
	}
	index := map[string]int{}
	for i, l := range t.Labels {
		index[l] = i
	}
	got := slices.Sorted(maps.Keys(index))
	if want := slices.Sorted(slices.Values(Labels)); !slices.Equal(got, want) || len(t.Labels) != len(Labels) {
		return nil, fmt.Errorf("%s classifies into %s, not the grades %s; train it on the data of `tutor data grade` "+
			"(docs/GRADING.md)", t.Dir, strings.Join(t.Labels, ", "), strings.Join(Labels, ", "))
	}
	return &Grader{model: t, index: index}, nil
}

// Dir is the checkpoint directory the grader was loaded from.
func (g *Grader) Dir() string { return g.model.Dir }

// Grade judges answer to exercise, whose accepted answers are references.
func (g *Grader) Grade(exercise string, references []string, answer string) (Result, error) {
	if err := checkInput(exercise, references, answer); err != nil {
		return Result{}, err
	}
	for _, r := range references {
		if strings.TrimSpace(r) != "" && SameAnswer(answer, r) {
			return Result{Grade: Correct, Confidence: 1, Exact: true,
				Scores: map[string]float64{Correct: 1, Acceptable: 0, Wrong: 0}}, nil
		}
	}
	probs, err := g.classify(FormatInput(exercise, references, answer))
	if err != nil {
		return Result{}, err
	}
	res := Result{Scores: map[string]float64{}}
	for _, grade := range Labels {
		p := probs[g.index[grade]]
		res.Scores[grade] = p
		if p > res.Confidence {
			res.Grade, res.Confidence = grade, p
		}
	}
	return res, nil
}

// classify runs the model on text and returns the softmax of its logits,
// in the head's label order.
func (g *Grader) classify(text string) ([]float64, error) {
	t := g.model
	ids := []int32{tokenizer.EndOfText} // every training sequence starts so
	for _, id := range t.Tokenizer.Encode(text) {
		ids = append(ids, int32(id))
	}
	// Training cut long texts at T tokens the same way.
	ids = ids[:min(len(ids), t.Model.Config.T)]
	g.mu.Lock()
	logits, err := t.Model.ClassLogits(ids)
	var probs []float64
	if err == nil {
		probs = softmax(logits)
	}
	g.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("grading model %s: %w", t.Dir, err)
	}
	return probs, nil
}

func softmax(logits []float32) []float64 {
	hi := math.Inf(-1)
	for _, v := range logits {
		hi = math.Max(hi, float64(v))
	}
	out := make([]float64, len(logits))
	sum := 0.0
	for i, v := range logits {
		out[i] = math.Exp(float64(v) - hi)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// checkInput refuses an empty answer, no reference, and input over the
// limits.
func checkInput(exercise string, references []string, answer string) error {
	if strings.TrimSpace(answer) == "" {
		return &InputError{"empty", "the answer is empty; send the learner's answer as text"}
	}
	if !slices.ContainsFunc(references, func(r string) bool { return strings.TrimSpace(r) != "" }) {
		return &InputError{"empty", "no reference answer; send at least one accepted answer to compare with"}
	}
	if n := utf8.RuneCountInString(answer); n > MaxAnswerChars {
		return &InputError{"too_long", fmt.Sprintf("the answer has %d characters, more than %d; grade one sentence at a time", n, MaxAnswerChars)}
	}
	if len(references) > MaxReferences {
		return &InputError{"too_long", fmt.Sprintf("%d reference answers, more than %d; send the most typical ones", len(references), MaxReferences)}
	}
	for i, r := range references {
		if n := utf8.RuneCountInString(r); n > MaxReferenceChars {
			return &InputError{"too_long", fmt.Sprintf("reference answer %d has %d characters, more than %d; references are one sentence each", i+1, n, MaxReferenceChars)}
		}
	}
	if n := utf8.RuneCountInString(exercise); n > MaxExerciseChars {
		return &InputError{"too_long", fmt.Sprintf("the exercise has %d characters, more than %d; send only its prompt", n, MaxExerciseChars)}
	}
	return nil
}

// IsInputError says whether err is an InputError, and returns it.
func IsInputError(err error) (*InputError, bool) {
	var ie *InputError
	ok := errors.As(err, &ie)
	return ie, ok
}
