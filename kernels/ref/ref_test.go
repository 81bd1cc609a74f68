package ref

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSoftmaxCrossEntropyMeanSkipsIgnored(t *testing.T) {
	B, T, V := 1, 3, 4
	// Uniform logits: every counted position's loss is log(V).
	logits := make([]float32, B*T*V)
	targets := []int32{2, IgnoreIndex, 0}
	losses := make([]float32, B*T)
	mean := SoftmaxCrossEntropyForward(losses, logits, logits, targets, B, T, V)
	if want := float32(math.Log(4)); math.Abs(float64(mean-want)) > 1e-6 {
		t.Errorf("mean loss %v, want log(4) = %v", mean, want)
	}
	if losses[1] != 0 {
		t.Errorf("ignored position has loss %v, want 0", losses[1])
	}
	for i, p := range logits { // probs were written over the logits
		if math.Abs(float64(p)-0.25) > 1e-7 {
			t.Fatalf("probs[%d] = %v, want 0.25", i, p)
		}
	}
	allIgnored := []int32{IgnoreIndex, IgnoreIndex, IgnoreIndex}
	if got := SoftmaxCrossEntropyForward(losses, logits, logits, allIgnored, B, T, V); got != 0 {
		t.Errorf("mean over no counted positions = %v, want 0", got)
	}
}

func TestAttentionPaddingRowsAreZero(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	B, T, C, NH := 1, 5, 4, 2
	qkv := randomSlice(rng, B*T*3*C, 1)
	out, att := randomSlice(rng, B*T*C, 1), randomSlice(rng, B*NH*T*T, 1)
	AttentionForward(out, att, qkv, []int{3}, B, T, C, NH, false)
	for h := 0; h < NH; h++ {
		for q := 0; q < T; q++ {
			var sum float32
			for k := 0; k < T; k++ {
				p := att[(h*T+q)*T+k]
				if (q >= 3 || k >= 3) && p != 0 {
					t.Errorf("att[h=%d,q=%d,k=%d] = %v, want 0 for padding", h, q, k, p)
				}
				sum += p
			}
			if q < 3 && math.Abs(float64(sum)-1) > 1e-6 {
				t.Errorf("row h=%d q=%d sums to %v, want 1", h, q, sum)
			}
		}
	}
	for i := 3 * C; i < T*C; i++ {
		if out[i] != 0 {
			t.Fatalf("padding output out[%d] = %v, want 0", i, out[i])
		}
	}
}

func TestAdamWFirstStepIsSignStep(t *testing.T) {
	// After one step from zero moments, the bias-corrected update is
	// g/|g| (up to eps): every parameter moves by lr against its gradient's
	// sign, plus the decoupled decay lr·wd·p.
	params := []float32{1, -2, 0.5}
	grads := []float32{0.3, -4, 1e-3}
	m, v := make([]float32, 3), make([]float32, 3)
	const lr, wd = 0.1, 0.01
	want := make([]float64, 3)
	for i, p := range params {
		sign := math.Copysign(1, float64(grads[i]))
		want[i] = float64(p) - lr*(sign+wd*float64(p))
	}
	AdamWUpdate(params, grads, m, v, 3, 1, lr, 0.9, 0.999, 1e-8, wd)
	for i := range params {
		if math.Abs(float64(params[i])-want[i]) > 1e-5 {
			t.Errorf("param %d = %v, want %v", i, params[i], want[i])
		}
	}
}

func TestShapeErrorsPanic(t *testing.T) {
	cases := map[string]func(){
		"short out": func() {
			MatmulForward(make([]float32, 5), make([]float32, 6), make([]float32, 6), nil, 1, 2, 3, 3)
		},
		"heads do not divide C": func() {
			AttentionForward(make([]float32, 5), make([]float32, 4), make([]float32, 15), nil, 1, 1, 5, 2, true)
		},
		"negative N": func() { GeluForward(nil, nil, -1) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != ErrDimension {
					t.Errorf("panic %v, want %q", r, ErrDimension)
				}
			}()
			f()
		})
	}
	for name, tc := range map[string]struct {
		f    func()
		want string
	}{
		"token": {func() {
			EncoderForward(make([]float32, 2), []int32{3}, make([]float32, 6), make([]float32, 2), 1, 1, 2)
		}, ErrToken},
		"target": {func() {
			SoftmaxCrossEntropyForward(make([]float32, 1), make([]float32, 3), make([]float32, 3), []int32{-2}, 1, 1, 3)
		}, ErrTarget},
		"valid length": {func() {
			AttentionForward(make([]float32, 2), make([]float32, 2), make([]float32, 6), []int{2}, 1, 1, 2, 1, true)
		}, ErrValidLength},
		"step": {func() { AdamWUpdate(nil, nil, nil, nil, 0, 0, 1, 0.9, 0.999, 1e-8, 0) }, ErrStep},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != tc.want {
					t.Errorf("panic %v, want %q", r, tc.want)
				}
			}()
			tc.f()
		})
	}
}
