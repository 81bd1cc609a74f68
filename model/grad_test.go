package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGradModel checks Backward against central finite differences of the
// loss, for every head and attention mode, with padding, dropout and LoRA.
// It samples a few entries of every tensor (and the token-embedding rows the
// batch uses) rather than every parameter, which keeps it under a second.
//
// The activations are float32, so a difference carries rounding noise of
// about 3e-8/eps ≈ 6e-6 with eps = 5e-3, and truncation error of order eps²
// (about 0.3% on the residual-stream biases); measured, the worst sampled
// entry is 0.6% off on a gradient of 1.6e-3. The tolerance is 1% + 1e-5.
func TestGradModel(t *testing.T) {
	full := []int(nil)
	padded := []int{8, 5, 1}
	cases := []struct {
		name    string
		task    Task
		valid   []int
		dropout float32
		lora    bool
		distil  bool
	}{
		{"lm", TaskLM, full, 0, false, false},
		{"lm/padded", TaskLM, padded, 0, false, false},
		{"mlm/padded", TaskMLM, padded, 0, false, false},
		{"tag/padded", TaskTag, padded, 0, false, false},
		{"classify", TaskClassify, full, 0, false, false},
		{"classify/padded", TaskClassify, padded, 0, false, false},
		{"lm/dropout", TaskLM, full, 0.3, false, false},
		{"tag/lora", TaskTag, padded, 0, true, false},
		{"classify/lora+dropout", TaskClassify, padded, 0.2, true, false},
		{"lm/lora", TaskLM, full, 0, true, false},
		{"tag/distil", TaskTag, padded, 0, false, true},
		{"classify/distil+dropout", TaskClassify, padded, 0.2, false, true},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestModel(t, gradConfig, RefOps, 3, uint64(i))
			jitter(m.Params.Data, 0.05, uint64(i))
			if tc.lora {
				if err := m.AttachLoRA(LoRAConfig{Rank: 3, Alpha: 6}, 1); err != nil {
					t.Fatal(err)
				}
				jitter(m.LoRA.Params.Data, 0.1, uint64(i)) // B is zero after AttachLoRA
			}
			m.Training, m.Dropout = true, tc.dropout
			rng := rand.New(rand.NewPCG(uint64(i), 5))
			b := randomBatch(rng, gradConfig, tc.task, 3, 8, tc.valid)
			if tc.distil {
				b.Soft = randomSoftTargets(rng, gradConfig, b)
			}
			loss := func() float64 {
				m.SeedDropout(11) // the same masks for every evaluation
				mustForward(t, m, b)
				return preciseLoss(m)
			}
			m.ZeroGrad()
			loss()
			if err := m.Backward(); err != nil {
				t.Fatal(err)
			}
			checked := 0
			for _, s := range m.paramSets() {
				checked += checkSampledGrads(t, s, b, loss, rng)
			}
			if checked == 0 {
				t.Fatal("no gradient was checked")
			}
		})
	}
}

// checkSampledGrads compares s.Grad with finite differences of loss at a
// few entries of every trainable tensor and returns how many it compared.
func checkSampledGrads(t *testing.T, s *ParamSet, b Batch, loss func() float64, rng *rand.Rand) int {
	t.Helper()
	n := 0
	for _, tn := range s.Tensors {
		if !tn.Trainable {
			continue // Backward may skip a frozen tensor's gradient
		}
		idx := sampleIndices(rng, tn, b)
		for _, j := range idx {
			numeric := finiteDifference(&s.Data[tn.Offset+j], loss)
			analytic := float64(s.Grad[tn.Offset+j])
			// Relative error with a floor: entries with tiny gradients are
			// judged on absolute error against the rounding noise.
			if gradMismatch(numeric, analytic) {
				t.Errorf("%s[%d]: backward %.6g, finite difference %.6g", tn.Name, j, analytic, numeric)
			}
			n++
		}
	}
	return n
}

// sampleIndices picks entries of a tensor to check: three at random, and
// for the token embeddings three entries of rows the batch reads.
func sampleIndices(rng *rand.Rand, tn Tensor, b Batch) []int {
	idx := []int{rng.IntN(tn.Size), rng.IntN(tn.Size), rng.IntN(tn.Size)}
	if tn.Name == "wte.weight" {
		C := tn.Shape[1]
		for range 3 {
			tok := int(b.Tokens[rng.IntN(len(b.Tokens))])
			idx = append(idx, tok*C+rng.IntN(C))
		}
	}
	return idx
}

// preciseLoss is the last forward's mean loss summed in float64 from the
// per-position losses, which rounds less than the float32 mean the ops
// return: rounding that mean to float32 alone would add noise of one ulp of
// the loss divided by 2·eps to every finite difference.
func preciseLoss(m *Model) float64 {
	var losses []float32
	var targets []int32
	switch {
	case m.task == TaskMLM:
		losses, targets = m.acts.losses[:m.numMasked], m.acts.rowTgt[:m.numMasked]
	case m.task == TaskClassify:
		losses, targets = m.acts.losses[:m.batchSize], m.acts.targets[:m.batchSize]
	default:
		losses, targets = m.acts.losses[:m.batchSize*m.seqLen], m.acts.targets[:m.batchSize*m.seqLen]
	}
	var sum float64
	n := 0
	for i, l := range losses {
		if targets[i] != IgnoreIndex {
			sum += float64(l)
			n++
		}
	}
	return sum / float64(n)
}

// gradMismatch judges a gradient against its finite difference: relative
// error with a floor, so that entries with tiny gradients are judged on
// absolute error against the rounding noise.
func gradMismatch(numeric, analytic float64) bool {
	return math.Abs(numeric-analytic) > 1e-2*math.Max(math.Abs(numeric), math.Abs(analytic))+1e-5
}

// finiteDifference is the central difference of loss in parameter *p,
// divided by the step the float32 parameter actually took.
func finiteDifference(p *float32, loss func() float64) float64 {
	const eps = 5e-3
	orig := *p
	*p = orig + eps
	up, hi := loss(), *p
	*p = orig - eps
	down, lo := loss(), *p
	*p = orig
	return (up - down) / (float64(hi) - float64(lo))
}

// TestGradModelCatchesAWrongBackward makes sure the check above can fail:
// a gradient 5% off, as from a forgotten small term, is caught.
func TestGradModelCatchesAWrongBackward(t *testing.T) {
	m := newTestModel(t, gradConfig, RefOps, 2, 3)
	jitter(m.Params.Data, 0.05, 3)
	b := randomBatch(rand.New(rand.NewPCG(3, 5)), gradConfig, TaskLM, 2, 8, nil)
	loss := func() float64 { mustForward(t, m, b); return preciseLoss(m) }
	m.ZeroGrad()
	loss()
	if err := m.Backward(); err != nil {
		t.Fatal(err)
	}
	wpe, _ := m.Params.Find("wpe.weight")
	g := float64(wpe.Of(m.Params.Grad)[5])
	numeric := finiteDifference(&wpe.Of(m.Params.Data)[5], loss)
	if gradMismatch(numeric, g) {
		t.Fatalf("the correct gradient %g fails against %g", g, numeric)
	}
	if !gradMismatch(numeric, 1.05*g) {
		t.Fatalf("a gradient 5%% off passes the check (finite difference %g)", numeric)
	}
}

// randomSoftTargets are a made-up teacher's logits for b's head, softened
// at 2 and weighted 0.6 against the hard labels.
func randomSoftTargets(rng *rand.Rand, cfg Config, b Batch) *SoftTargets {
	n := b.B * b.T * cfg.NumTags
	if b.Task == TaskClassify {
		n = b.B * cfg.NumClasses
	}
	logits := make([]float32, n)
	for i := range logits {
		logits[i] = float32(rng.NormFloat64() * 2)
	}
	return &SoftTargets{Logits: logits, Temperature: 2, Alpha: 0.6}
}
