package engine

import (
	"fmt"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/quant"
)

// Bench is a model of a preset shape with random weights and the
// language-modelling head, for timing the full forward pass (logits over
// the whole vocabulary at every position) in the browser against other
// engines running the same shape. Speed does not depend on the weights'
// values.
type Bench struct {
	model  *model.Model
	tokens []int32
}

// NewBench builds the preset (say "student") with weights drawn from seed,
// computed with ops. activations "int8" quantizes its matrices as `tutor
// quantize` does and computes them in int8, as the browser runs a
// released model; "float32" leaves the model in float32.
func NewBench(preset, activations string, seed uint64, ops *model.Ops) (*Bench, error) {
	cfg, err := model.Preset(preset)
	if err != nil {
		return nil, err
	}
	m, err := model.New(cfg, model.Options{Inference: true, Ops: ops})
	if err != nil {
		return nil, err
	}
	m.InitWeights(seed)
	switch activations {
	case quant.ActivationsInt8:
		mats := map[string]*quant.Matrix{}
		for _, t := range m.Params.Tensors {
			if !quant.IsQuantized(t.Name) {
				continue
			}
			w := t.Of(m.Params.Data)
			q, err := quant.QuantizeMatrix(w, t.Shape[0], t.Shape[1], quant.DefaultGroupSize)
			if err != nil {
				return nil, err
			}
			q.Dequantize(w)
			mats[t.Name] = q
		}
		m.Ops = quant.Int8Ops(m.Ops, m, mats)
	case quant.ActivationsFloat32:
	default:
		return nil, fmt.Errorf("activations %q: use %q or %q", activations, quant.ActivationsInt8, quant.ActivationsFloat32)
	}
	tokens := make([]int32, cfg.T)
	for i := range tokens {
		tokens[i] = int32(i % cfg.V)
	}
	return &Bench{model: m, tokens: tokens}, nil
}

// Forward runs one full forward pass over the first T tokens (B=1) and
// returns the logits (T,V), valid until the next call.
func (b *Bench) Forward(T int) ([]float32, error) {
	if T < 1 || T > len(b.tokens) {
		return nil, fmt.Errorf("T=%d: the model takes 1 to %d positions", T, len(b.tokens))
	}
	if _, err := b.model.Forward(model.Batch{Task: model.TaskLM, B: 1, T: T, Tokens: b.tokens[:T]}); err != nil {
		return nil, err
	}
	return b.model.Output(), nil
}
