package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestScheduleWarmupAndCosine(t *testing.T) {
	s := Schedule{MaxLR: 1e-3, MinLR: 1e-4, Warmup: 10, Total: 110}
	cases := []struct {
		step int
		want float32
	}{{1, 1e-4}, {5, 5e-4}, {10, 1e-3}, {60, 5.5e-4}, {110, 1e-4}, {500, 1e-4}}
	for _, c := range cases {
		if got := s.LR(c.step); math.Abs(float64(got-c.want)) > 1e-9 {
			t.Errorf("LR(%d) = %g, want %g", c.step, got, c.want)
		}
	}
	prev := s.LR(10)
	for step := 11; step <= 110; step++ {
		lr := s.LR(step)
		if lr > prev {
			t.Fatalf("LR rises after warmup: %g at %d after %g", lr, step, prev)
		}
		prev = lr
	}
	if lr := (Schedule{MaxLR: 1, Total: 5}).LR(0); lr != 0 {
		t.Errorf("no warmup, step 0: %g", lr)
	}
}

func TestClipGradNorm(t *testing.T) {
	m := newTestModel(t, gradConfig, FastOps, 1, 1)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range m.Params.Grad {
		m.Params.Grad[i] = float32(rng.NormFloat64())
	}
	norm := m.ClipGradNorm(2)
	if math.Abs(norm-math.Sqrt(float64(len(m.Params.Grad)))) > 0.05*norm {
		t.Errorf("norm %g of %d standard normals", norm, len(m.Params.Grad))
	}
	if after := m.GradNorm(); math.Abs(after-2) > 1e-4 {
		t.Errorf("norm after clipping to 2: %g", after)
	}
	if again := m.ClipGradNorm(10); math.Abs(again-2) > 1e-4 || math.Abs(m.GradNorm()-2) > 1e-4 {
		t.Errorf("clipping below the limit changed the gradients: %g", m.GradNorm())
	}
	m.Params.Grad[0] = float32(math.NaN())
	if n := m.ClipGradNorm(1); !math.IsNaN(n) {
		t.Errorf("a NaN gradient gives norm %g", n)
	}
}

// TestWeightDecayGroups: with zero gradients, AdamW's only effect is weight
// decay, which must shrink matrices and leave biases and LayerNorm alone,
// and frozen tensors must not move at all.
func TestWeightDecayGroups(t *testing.T) {
	m := newTestModel(t, gradConfig, FastOps, 1, 1)
	jitter(m.Params.Data, 0.1, 1)
	before := append([]float32(nil), m.Params.Data...)
	frozen := "h.1.mlp.fc.weight"
	m.SetTrainable(func(name string) bool { return name != frozen })
	m.ZeroGrad()
	opt := DefaultAdamW()
	if err := m.Update(&opt, 0.1); err != nil {
		t.Fatal(err)
	}
	for _, tn := range m.Params.Tensors {
		b, a := tn.Of(before)[0], tn.Of(m.Params.Data)[0]
		shrunk := math.Abs(float64(a)) < math.Abs(float64(b))
		switch {
		case tn.Name == frozen:
			if a != b {
				t.Errorf("%s is frozen but moved", tn.Name)
			}
		case tn.Decay != shrunk:
			t.Errorf("%s: decay=%v but shrunk=%v (%g -> %g)", tn.Name, tn.Decay, shrunk, b, a)
		case tn.Decay && len(tn.Shape) != 2, !tn.Decay && len(tn.Shape) != 1:
			t.Errorf("%s: decay=%v for a %d-D tensor", tn.Name, tn.Decay, len(tn.Shape))
		}
	}
	if opt.Step != 1 {
		t.Errorf("step %d after one update", opt.Step)
	}
	if err := m.Update(&opt, float32(math.NaN())); err == nil {
		t.Error("NaN learning rate accepted")
	}
}

func TestEarlyStopping(t *testing.T) {
	e := EarlyStopping{Patience: 2, MinDelta: 0.01}
	losses := []float64{3, 2.5, 2.495, 2.6, math.NaN()}
	improved := []bool{true, true, false, false, false}
	for i, l := range losses {
		if got := e.Observe((i+1)*100, l); got != improved[i] {
			t.Errorf("loss %g: improved=%v", l, got)
		}
		if stop := e.Stop(); stop != (i >= 3) {
			t.Errorf("after loss %g: stop=%v", l, stop)
		}
	}
	if e.Best != 2.5 || e.BestStep != 200 {
		t.Errorf("best %g at %d", e.Best, e.BestStep)
	}
	if (&EarlyStopping{}).Stop() {
		t.Error("patience 0 stops")
	}
}
