// Package lm adapts a causal language model trained with `tutor train`
// (a pre-trained student or teacher, model/train) to
// difficulty.LanguageModel: the surprisal of each token of a text.
//
// It is kept apart from model/difficulty so that the estimator itself, which
// the browser app may use, does not pull the model engine in. It imports
// the standard library and model/... only.
package lm

import (
	"errors"
	"fmt"
	"math"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/difficulty"
	"github.com/tutor-dev/tutor/model/tokenizer"
	"github.com/tutor-dev/tutor/model/train"
)

// Model scores texts with a trained causal language model. It keeps one
// generator, so it must not be used by two goroutines at once.
type Model struct {
	t   *train.Trained
	gen *model.Generator
}

var _ difficulty.LanguageModel = (*Model)(nil)

// Open loads a checkpoint or run directory (its best/ checkpoint) for
// scoring.
func Open(dir string) (*Model, error) {
	t, err := train.Open(dir, train.OpenOptions{})
	if err != nil {
		return nil, err
	}
	return New(t)
}

// New wraps an opened checkpoint. It must be a causal language model: a
// pre-trained model, not a fine-tuned tagger or classifier, nor a masked
// one.
func New(t *train.Trained) (*Model, error) {
	if t == nil || t.Model == nil || t.Tokenizer == nil {
		return nil, errors.New("lm: no model")
	}
	if t.Kind == "finetune" {
		return nil, fmt.Errorf("lm: %s is a fine-tuned %s model; difficulty needs a pre-trained causal language model (e.g. runs/student-pretrain from `tutor train`)", t.Dir, t.Head)
	}
	if t.Objective == train.ObjectiveMasked {
		return nil, fmt.Errorf("lm: %s was pre-trained as a masked language model; difficulty needs a causal one (objective %q)", t.Dir, train.ObjectiveCausal)
	}
	return &Model{t: t, gen: t.Model.NewGenerator()}, nil
}

// Surprisal is −ln p of each token of text given the end-of-text token
// that starts every document and the tokens before it, in nats. A text
// longer than the model's context is scored over a sliding window.
func (m *Model) Surprisal(text string) ([]float64, error) {
	ids := m.t.Tokenizer.Encode(text)
	if len(ids) == 0 {
		return nil, errors.New("lm: the text has no tokens")
	}
	m.gen.Reset()
	logits, err := m.gen.Feed(tokenizer.EndOfText)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(ids))
	for i, id := range ids {
		out[i] = surprisal(logits, id)
		if i == len(ids)-1 {
			break
		}
		if logits, err = m.gen.Feed(int32(id)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// surprisal is −ln softmax(logits)[id], computed in float64 with the
// largest logit subtracted.
func surprisal(logits []float32, id int) float64 {
	top := float64(logits[0])
	for _, v := range logits {
		top = math.Max(top, float64(v))
	}
	var sum float64
	for _, v := range logits {
		sum += math.Exp(float64(v) - top)
	}
	return top + math.Log(sum) - float64(logits[id])
}
