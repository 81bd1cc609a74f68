package model

import (
	"errors"
	"fmt"
	"math"
)

// AdamW holds the optimizer's settings and how many updates it has taken;
// its moments live beside the parameters (ParamSet.M and V).
type AdamW struct {
	Beta1       float32 `json:"beta1"`
	Beta2       float32 `json:"beta2"`
	Eps         float32 `json:"eps"`
	WeightDecay float32 `json:"weight_decay"`
	Step        int     `json:"step"` // updates taken so far
}

// DefaultAdamW is the GPT-2/nanoGPT setting: β = (0.9, 0.95), ε = 1e-8,
// weight decay 0.1 on matrices.
func DefaultAdamW() AdamW {
	return AdamW{Beta1: 0.9, Beta2: 0.95, Eps: 1e-8, WeightDecay: 0.1}
}

// Update takes one AdamW step with learning rate lr on every trainable
// tensor (and on the LoRA adapters), with weight decay on the tensors whose
// Decay is set.
func (m *Model) Update(opt *AdamW, lr float32) error {
	if m.inference {
		return errors.New("model: Update on a model built with Options.Inference; build it for training")
	}
	if !(lr >= 0) || math.IsInf(float64(lr), 0) {
		return fmt.Errorf("model: learning rate %v must be a finite number ≥ 0", lr)
	}
	opt.Step++
	for _, s := range m.paramSets() {
		for _, t := range s.Tensors {
			if !t.Trainable {
				continue
			}
			wd := float32(0)
			if t.Decay {
				wd = opt.WeightDecay
			}
			m.Ops.AdamWUpdate(t.Of(s.Data), t.Of(s.Grad), t.Of(s.M), t.Of(s.V), t.Size, opt.Step,
				lr, opt.Beta1, opt.Beta2, opt.Eps, wd)
		}
	}
	return nil
}

// paramSets is the model's parameters and, when attached, its adapters.
// It returns a view of a field so that a training step does not allocate.
func (m *Model) paramSets() []*ParamSet {
	m.sets[0] = &m.Params
	if m.LoRA != nil {
		m.sets[1] = &m.LoRA.Params
		return m.sets[:2]
	}
	return m.sets[:1]
}

// GradNorm is the L2 norm of the trainable tensors' gradients.
func (m *Model) GradNorm() float64 {
	var ss float64
	for _, s := range m.paramSets() {
		for _, t := range s.Tensors {
			if !t.Trainable || s.Grad == nil {
				continue
			}
			for _, g := range t.Of(s.Grad) {
				ss += float64(g) * float64(g)
			}
		}
	}
	return math.Sqrt(ss)
}

// ClipGradNorm scales the trainable gradients down so that their global L2
// norm is at most maxNorm (no clipping when maxNorm ≤ 0) and returns the
// norm before clipping. A NaN or infinite norm is returned unclipped: the
// step would poison the weights, so the caller should skip it.
func (m *Model) ClipGradNorm(maxNorm float64) float64 {
	norm := m.GradNorm()
	if maxNorm <= 0 || norm <= maxNorm || math.IsNaN(norm) || math.IsInf(norm, 0) {
		return norm
	}
	f := float32(maxNorm / (norm + 1e-6))
	for _, s := range m.paramSets() {
		for _, t := range s.Tensors {
			if t.Trainable {
				scale(t.Of(s.Grad), f)
			}
		}
	}
	return norm
}

// Schedule is linear warmup to MaxLR over Warmup steps, then cosine decay
// to MinLR at step Total, and MinLR after that.
type Schedule struct {
	MaxLR  float32 `json:"max_lr"`
	MinLR  float32 `json:"min_lr"`
	Warmup int     `json:"warmup_steps"`
	Total  int     `json:"total_steps"`
}

// LR is the learning rate for update number step (1-based: the first
// update is step 1).
func (s Schedule) LR(step int) float32 {
	switch {
	case step <= s.Warmup:
		return s.MaxLR * float32(step) / float32(max(s.Warmup, 1))
	case step >= s.Total:
		return s.MinLR
	}
	progress := float64(step-s.Warmup) / float64(s.Total-s.Warmup) // (0,1)
	cos := 0.5 * (1 + math.Cos(math.Pi*progress))
	return s.MinLR + float32(cos)*(s.MaxLR-s.MinLR)
}

// EarlyStopping watches validation losses and says when they have stopped
// improving. Its fields are exported so that a checkpoint can keep them.
type EarlyStopping struct {
	Patience int     `json:"patience"`  // evaluations without improvement before stopping
	MinDelta float64 `json:"min_delta"` // how much lower than the best a loss must be to count
	Best     float64 `json:"best"`      // best loss so far (meaningful once Seen)
	BestStep int     `json:"best_step"` // the step it was seen at
	Bad      int     `json:"bad"`       // evaluations since the best
	Seen     bool    `json:"seen"`
}

// Observe records the validation loss at step and says whether it is a new
// best (the moment to save the best checkpoint). A NaN loss never is.
func (e *EarlyStopping) Observe(step int, loss float64) bool {
	if !math.IsNaN(loss) && (!e.Seen || loss < e.Best-e.MinDelta) {
		e.Best, e.BestStep, e.Bad, e.Seen = loss, step, 0, true
		return true
	}
	e.Bad++
	return false
}

// Stop says whether Patience evaluations in a row have failed to improve.
func (e *EarlyStopping) Stop() bool { return e.Patience > 0 && e.Bad >= e.Patience }
