package kernels

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/tutor-dev/tutor/kernels/ref"
)

// TestOpsDoNotAllocate holds every op to the benchmarks' 0 allocs/op once
// its scratch has grown to the shape (the first call may allocate it).
func TestOpsDoNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	B, T, C, NH, V := 2, 33, 64, 4, 300
	BT := B * T
	x, y := randomSlice(rng, BT*C, 1), randomSlice(rng, BT*C, 1)
	w, wide := randomSlice(rng, 3*C*C, 1), randomSlice(rng, BT*3*C, 1)
	dwide, wGrad := make([]float32, BT*3*C), make([]float32, 3*C*C)
	bias, biasGrad := randomSlice(rng, 3*C, 1), make([]float32, 3*C)
	att := make([]float32, B*NH*T*T)
	mean, rstd := make([]float32, BT), make([]float32, BT)
	tokens, targets := randomTokens(rng, BT, V), randomTokens(rng, BT, V)
	wte, dwte := randomSlice(rng, V*C, 1), make([]float32, V*C)
	logits, losses := randomSlice(rng, BT*V, 1), make([]float32, BT)
	m, v := make([]float32, C), make([]float32, C)
	valid := []int{T, 5}
	ops := map[string]func(){
		"MatmulForward":       func() { MatmulForward(wide, x, w, bias, B, T, C, 3*C) },
		"MatmulForward small": func() { MatmulForward(wide[:3*C], x[:C], w, bias, 1, 1, C, 3*C) },
		"MatmulBackward":      func() { MatmulBackward(y, wGrad, biasGrad, wide, x, w, B, T, C, 3*C) },
		"EncoderForward":      func() { EncoderForward(x, tokens, wte, y, B, T, C) },
		"EncoderBackward":     func() { EncoderBackward(dwte, y, x, tokens, B, T, C) },
		"LayerNormForward":    func() { LayerNormForward(y, mean, rstd, x, bias, bias, B, T, C) },
		"LayerNormBackward":   func() { LayerNormBackward(y, m, v, x, x, bias, mean, rstd, B, T, C) },
		"AttentionForward":    func() { AttentionForward(x, att, wide, valid, B, T, C, NH, true) },
		"AttentionBackward":   func() { AttentionBackward(dwide, x, wide, att, nil, B, T, C, NH, false) },
		"GeluForward":         func() { GeluForward(y, x, BT*C) },
		"GeluBackward":        func() { GeluBackward(y, x, x, BT*C) },
		"ResidualForward":     func() { ResidualForward(y, x, x, BT*C) },
		"ResidualBackward":    func() { ResidualBackward(y, x, x, BT*C) },
		"SoftmaxCrossEntropyForward": func() {
			SoftmaxCrossEntropyForward(losses, logits, logits, targets, B, T, V)
		},
		"SoftmaxCrossEntropyBackward": func() {
			SoftmaxCrossEntropyBackward(logits, logits, targets, 1, B, T, V)
		},
		"AdamWUpdate": func() { AdamWUpdate(bias[:C], x[:C], m, v, C, 1, 1e-3, 0.9, 0.95, 1e-8, 0.1) },
	}
	for name, op := range ops {
		// Per-worker scratch grows the first time a worker gets the
		// largest job, and which worker gets which varies: warm up all.
		for range 10 {
			op()
		}
		if allocs := testing.AllocsPerRun(5, op); allocs != 0 {
			t.Errorf("%s: %v allocations per call, want 0", name, allocs)
		}
	}
}

// TestConcurrentCallers runs ops from several goroutines at once: they must
// take turns on the pool and each get its own right answer.
func TestConcurrentCallers(t *testing.T) {
	const callers = 4
	var wg sync.WaitGroup
	errs := make([]string, callers)
	for g := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			B, T, C, OC := 1, 37+g, 48, 96
			inp, weight := randomSlice(rng, B*T*C, 1), randomSlice(rng, OC*C, 1)
			want := make([]float32, B*T*OC)
			ref.MatmulForward(want, inp, weight, nil, B, T, C, OC)
			for range 20 {
				got := make([]float32, B*T*OC)
				MatmulForward(got, inp, weight, nil, B, T, C, OC)
				for i := range got {
					if d := got[i] - want[i]; d > 1e-3 || d < -1e-3 {
						errs[g] = "wrong product"
						return
					}
				}
				slices.Reverse(got) // touch the result, as a caller would
			}
		}()
	}
	wg.Wait()
	for g, e := range errs {
		if e != "" {
			t.Errorf("caller %d: %s", g, e)
		}
	}
}
