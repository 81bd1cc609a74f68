package model

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestGeneratorMatchesLogits: the cached one-position steps give the logits
// of a full forward pass over the context, before and after the context
// outgrows T, with and without LoRA adapters.
func TestGeneratorMatchesLogits(t *testing.T) {
	cfg := Tiny()
	for _, lora := range []bool{false, true} {
		m := newTestModel(t, cfg, FastOps, 1, 2)
		jitter(m.Params.Data, 0.02, 2)
		if lora {
			m.AttachLoRA(LoRAConfig{Rank: 2, Alpha: 4}, 1)
			jitter(m.LoRA.Params.Data, 0.05, 3)
		}
		full := newTestModel(t, cfg, FastOps, 1, 2)
		copy(full.Params.Data, m.Params.Data)
		if lora {
			full.AttachLoRA(LoRAConfig{Rank: 2, Alpha: 4}, 1)
			copy(full.LoRA.Params.Data, m.LoRA.Params.Data)
		}
		rng := rand.New(rand.NewPCG(3, 3))
		context := make([]int32, 50)
		for i := range context {
			context[i] = rng.Int32N(int32(cfg.V))
		}
		g := m.NewGenerator()
		got, err := g.Feed(context...)
		for step := 0; err == nil && step < 25; step++ {
			want, _ := full.Logits(context)
			if d := maxRelDiff(want, got); d > 1e-5 {
				t.Fatalf("lora=%v, context %d: generator logits differ by %.3g", lora, len(context), d)
			}
			tok := rng.Int32N(int32(cfg.V))
			context = append(context, tok)
			got, err = g.Feed(tok)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestGenerateGreedyAndStop: greedy generation is repeatable, stops at the
// stop token, and Feed allocates nothing.
func TestGenerateGreedyAndStop(t *testing.T) {
	cfg := Tiny()
	m := newTestModel(t, cfg, FastOps, 1, 5)
	g := m.NewGenerator()
	prompt := []int32{1, 2, 3}
	a, err := g.Generate(nil, prompt, 10, Greedy, nil)
	if err != nil || len(a) != 10 {
		t.Fatalf("%v %v", a, err)
	}
	b, _ := g.Generate(nil, prompt, 10, Greedy, nil)
	if !slices.Equal(a, b) {
		t.Errorf("greedy generation differs: %v, %v", a, b)
	}
	stopAt := a[4]
	c, _ := g.Generate(nil, prompt, 10, Greedy, func(tok int32) bool { return tok == stopAt })
	if want := a[:slices.Index(a, stopAt)+1]; !slices.Equal(c, want) {
		t.Errorf("with a stop token: %v, want %v", c, want)
	}
	g.Reset()
	g.Feed(prompt...)
	if n := testing.AllocsPerRun(10, func() { g.Feed(7) }); n != 0 {
		t.Errorf("Feed allocates %v times", n)
	}
	if _, err := g.Feed(int32(cfg.V)); err == nil {
		t.Error("a token outside the vocabulary accepted")
	}
}
