package model

import (
	"math/rand/v2"
	"testing"
)

// gradConfig is small enough for finite differences of every sampled
// parameter, with awkward sizes (V=37, hs=8) so that no loop happens to
// line up with a power of two.
var gradConfig = Config{V: 37, T: 8, L: 2, C: 16, NH: 2, NumTags: 5, NumClasses: 3}

// newTestModel builds a training model with GPT-2 initial weights.
func newTestModel(t testing.TB, cfg Config, ops *Ops, maxB int, seed uint64) *Model {
	t.Helper()
	m, err := New(cfg, Options{MaxB: maxB, Ops: ops})
	if err != nil {
		t.Fatal(err)
	}
	m.InitWeights(seed)
	return m
}

// jitter adds N(0, std²) to every parameter, so that biases and gains are
// not at their special initial values and every path carries a gradient.
func jitter(s []float32, std float64, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	for i := range s {
		s[i] += float32(rng.NormFloat64() * std)
	}
}

// randomBatch makes a batch for task with random tokens and targets.
// valid may be nil.
func randomBatch(rng *rand.Rand, cfg Config, task Task, B, T int, valid []int) Batch {
	b := Batch{Task: task, B: B, T: T, Tokens: make([]int32, B*T), Valid: valid}
	for i := range b.Tokens {
		b.Tokens[i] = rng.Int32N(int32(cfg.V))
	}
	switch task {
	case TaskLM:
		b.Targets = make([]int32, B*T)
		NextTokenTargets(b.Targets, b.Tokens, valid, B, T)
	case TaskMLM:
		b.Targets = make([]int32, B*T)
		err := MaskTokens(rng, BERTMasking(int32(cfg.V), 3, 2), b.Tokens, b.Targets, valid, B, T)
		if err != nil {
			panic(err)
		}
	case TaskTag:
		b.Targets = make([]int32, B*T)
		for i := range b.Targets {
			b.Targets[i] = rng.Int32N(int32(cfg.NumTags))
			if rng.IntN(5) == 0 {
				b.Targets[i] = IgnoreIndex
			}
		}
	case TaskClassify:
		b.Targets = make([]int32, B)
		for i := range b.Targets {
			b.Targets[i] = rng.Int32N(int32(cfg.NumClasses))
		}
	}
	return b
}

func mustForward(t testing.TB, m *Model, b Batch) float32 {
	t.Helper()
	loss, err := m.Forward(b)
	if err != nil {
		t.Fatal(err)
	}
	return loss
}

// trainStep is one step of plain training: forward, backward, clip, AdamW.
func trainStep(t testing.TB, m *Model, b Batch, opt *AdamW, lr float32) float32 {
	t.Helper()
	m.ZeroGrad()
	loss := mustForward(t, m, b)
	if err := m.Backward(); err != nil {
		t.Fatal(err)
	}
	m.ClipGradNorm(1)
	if err := m.Update(opt, lr); err != nil {
		t.Fatal(err)
	}
	return loss
}
