package model

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchModel is a student-sized model with random weights, as the peer
// comparison in BENCHMARKS.md uses.
func benchModel(b *testing.B, maxB int, inference bool) *Model {
	m, err := New(Student(), Options{MaxB: maxB, Inference: inference})
	if err != nil {
		b.Fatal(err)
	}
	m.InitWeights(1)
	return m
}

// benchTrainSteps times full training steps (forward, backward, clipping,
// AdamW) of m on one batch of the given number of positions.
func benchTrainSteps(b *testing.B, m *Model, batch Batch, positions int) {
	opt := DefaultAdamW()
	step := func() {
		m.ZeroGrad()
		if _, err := m.Forward(batch); err != nil {
			b.Fatal(err)
		}
		if err := m.Backward(); err != nil {
			b.Fatal(err)
		}
		m.ClipGradNorm(1)
		if err := m.Update(&opt, 1e-4); err != nil {
			b.Fatal(err)
		}
	}
	step() // first touch of every buffer
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
	b.ReportMetric(float64(positions*b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkTrainStep is one full training step — forward, backward,
// gradient clipping and AdamW — on the LM objective.
func BenchmarkTrainStep(b *testing.B) {
	const B, T = 8, 128
	b.Run(fmt.Sprintf("student/B=%d,T=%d", B, T), func(b *testing.B) {
		m := benchModel(b, B, false)
		batch := randomBatch(rand.New(rand.NewPCG(1, 1)), m.Config, TaskLM, B, T, nil)
		benchTrainSteps(b, m, batch, B*T)
	})
}

// BenchmarkForward is one forward pass with the loss (every position's
// logits, as llm.c's gpt2_forward computes them) at B=1, T=64, and the
// generation path (Logits: the last position only).
func BenchmarkForward(b *testing.B) {
	const T = 64
	b.Run(fmt.Sprintf("student/B=1,T=%d", T), func(b *testing.B) {
		m := benchModel(b, 1, true)
		batch := randomBatch(rand.New(rand.NewPCG(1, 1)), m.Config, TaskLM, 1, T, nil)
		m.Forward(batch)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := m.Forward(batch); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/op")
	})
	b.Run(fmt.Sprintf("student/Logits,T=%d", T), func(b *testing.B) {
		m := benchModel(b, 1, true)
		batch := randomBatch(rand.New(rand.NewPCG(1, 1)), m.Config, TaskLM, 1, T, nil)
		m.Logits(batch.Tokens)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := m.Logits(batch.Tokens); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/op")
	})
}

// BenchmarkGenerate is greedy generation of 64 tokens after a 1-token
// prompt with the key/value cache, reported per token.
func BenchmarkGenerate(b *testing.B) {
	const n = 64
	b.Run(fmt.Sprintf("student/tokens=%d", n), func(b *testing.B) {
		m := benchModel(b, 1, true)
		g := m.NewGenerator()
		out := make([]int32, 0, n)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := g.Generate(out[:0], []int32{0}, n, Greedy, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N*n), "ms/token")
	})
}

// BenchmarkLoRAStep is BenchmarkTrainStep's step on the tagging objective
// with rank-8 adapters attached, as a GEC tagger's LoRA fine-tuning runs:
// the body is frozen, so its weight gradients are skipped.
func BenchmarkLoRAStep(b *testing.B) {
	const B, T = 8, 128
	b.Run(fmt.Sprintf("student/B=%d,T=%d", B, T), func(b *testing.B) {
		cfg := Student()
		cfg.NumTags = 32
		m, err := New(cfg, Options{MaxB: B})
		if err != nil {
			b.Fatal(err)
		}
		m.InitWeights(1)
		if err := m.AttachLoRA(LoRAConfig{Rank: 8, Alpha: 16}, 1); err != nil {
			b.Fatal(err)
		}
		batch := randomBatch(rand.New(rand.NewPCG(1, 1)), cfg, TaskTag, B, T, nil)
		benchTrainSteps(b, m, batch, B*T)
	})
}
