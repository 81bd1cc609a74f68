package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestParityFastRef runs the same model and batch on the reference ops and
// the fast ops and compares the loss, the head's logits and every
// gradient, for every task, with padding, dropout and LoRA.
//
// Tolerances: the fast ops accumulate in float32 in a blocked order and use
// a float32 exponential, so they differ from the float64-accumulating
// reference by a few float32 ulps per op. Measured on the tiny config: the
// losses agree to 1e-7 and every gradient tensor to about 1e-6 of its
// largest entry (t.Logf with -v); the tolerances leave 10x to 100x room for
// a different blocking or SIMD width. Gradients are compared per tensor
// against the tensor's largest gradient, because single small entries lose
// relative precision when large terms cancel.
func TestParityFastRef(t *testing.T) {
	cfg := Tiny()
	cases := []struct {
		name    string
		task    Task
		valid   []int
		dropout float32
		lora    bool
	}{
		{"lm", TaskLM, nil, 0, false},
		{"mlm", TaskMLM, []int{17, 9, 1}, 0, false},
		{"tag", TaskTag, []int{17, 9, 1}, 0.1, false},
		{"classify", TaskClassify, []int{3, 17, 16}, 0, true},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ref := newTestModel(t, cfg, RefOps, 3, uint64(i))
			fast := newTestModel(t, cfg, FastOps, 3, uint64(i))
			jitter(ref.Params.Data, 0.05, uint64(i))
			copy(fast.Params.Data, ref.Params.Data)
			if tc.lora {
				for _, m := range []*Model{ref, fast} {
					if err := m.AttachLoRA(LoRAConfig{Rank: 4, Alpha: 8}, 2); err != nil {
						t.Fatal(err)
					}
					jitter(m.LoRA.Params.Data, 0.05, 9)
				}
			}
			b := randomBatch(rand.New(rand.NewPCG(uint64(i), 1)), cfg, tc.task, 3, 17, tc.valid)
			for _, m := range []*Model{ref, fast} {
				m.Training, m.Dropout = true, tc.dropout
				m.SeedDropout(4)
				m.ZeroGrad()
				mustForward(t, m, b)
				if err := m.Backward(); err != nil {
					t.Fatal(err)
				}
			}
			lr, lf := preciseLoss(ref), preciseLoss(fast)
			if d := math.Abs(lr - lf); d > 1e-5*math.Abs(lr) {
				t.Errorf("loss: ref %.7g, fast %.7g", lr, lf)
			}
			if d := maxRelDiff(ref.Output(), fast.Output()); d > 1e-5 {
				t.Errorf("logits differ by %.3g of their largest", d)
			}
			worst := 0.0
			for k, s := range ref.paramSets() {
				fs := fast.paramSets()[k]
				for _, tn := range s.Tensors {
					d := maxRelDiff(tn.Of(s.Grad), tn.Of(fs.Grad))
					worst = math.Max(worst, d)
					if d > 1e-4 {
						t.Errorf("%s: gradients differ by %.3g of the largest", tn.Name, d)
					}
				}
			}
			t.Logf("loss %.7g vs %.7g; worst gradient difference %.3g", lr, lf, worst)
		})
	}
}

// maxRelDiff is max|a-b| over max|a|, or max|a-b| when a is all zero.
func maxRelDiff(a, b []float32) float64 {
	var diff, scale float64
	for i := range a {
		diff = math.Max(diff, math.Abs(float64(a[i])-float64(b[i])))
		scale = math.Max(scale, math.Abs(float64(a[i])))
	}
	if scale == 0 {
		return diff
	}
	return diff / scale
}
