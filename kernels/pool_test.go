package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// countingTask records, per job, how many times it ran, and how many jobs
// are running at any moment.
type countingTask struct {
	runs     []atomic.Int32
	inFlight atomic.Int32
}

func (c *countingTask) run(job, worker int) {
	c.inFlight.Add(1)
	c.runs[job].Add(1)
	c.inFlight.Add(-1)
}

// TestPoolRoundsDoNotOverlap runs many short rounds of varying job counts
// on a pool of more workers than cores, so that helpers are often
// descheduled between reading the claim counter and claiming. Every job of
// a round must run exactly once, and parallel must return only once none
// is still running: a helper that claims a job of a round that is being
// set up would run a job twice, end a round early or leave a stale finish
// signal that ends the next one early.
func TestPoolRoundsDoNotOverlap(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	var p workerPool
	p.start()
	defer p.stop()
	task := &countingTask{runs: make([]atomic.Int32, 64)}
	deadline := time.Now().Add(1500 * time.Millisecond)
	for round := 0; time.Now().Before(deadline); round++ {
		jobs := 2 + round%len(task.runs[2:]) // rising counts, then a drop
		p.parallel(jobs, task)
		if n := task.inFlight.Load(); n != 0 {
			t.Fatalf("round %d (%d jobs): parallel returned with %d jobs still running", round, jobs, n)
		}
		for j := range task.runs[:jobs] {
			if n := task.runs[j].Swap(0); n != 1 {
				t.Fatalf("round %d (%d jobs): job %d ran %d times", round, jobs, j, n)
			}
		}
	}
}

// stop ends a test pool's helper goroutines.
func (p *workerPool) stop() {
	for _, wake := range p.wake[1:] {
		close(wake)
	}
}

// TestConcurrentProductsOfDifferentShapes has several goroutines run
// matmuls of different shapes, forward and backward, back to back for a
// while: products of different sizes and job counts follow each other on
// the pool, and a job run twice or a round ended early shows as a wrong
// sum (the backward products add into their outputs) or as an index out
// of range in a straggler reading the next product.
func TestConcurrentProductsOfDifferentShapes(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	shapes := [][4]int{ // B, T, C, OC
		{1, 5, 64, 64}, {2, 33, 48, 96}, {1, 130, 32, 40}, {3, 17, 64, 192}, {1, 2, 64, 512}, {2, 64, 16, 8},
	}
	deadline := time.Now().Add(1500 * time.Millisecond)
	var wg sync.WaitGroup
	errs := make([]string, len(shapes))
	for g, s := range shapes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[g] = hammerMatmul(uint64(g), s[0], s[1], s[2], s[3], deadline)
		}()
	}
	wg.Wait()
	for g, e := range errs {
		if e != "" {
			t.Errorf("shape %v: %s", shapes[g], e)
		}
	}
}

// hammerMatmul runs MatmulForward and MatmulBackward at one shape until the
// deadline and describes the first result that differs from the
// reference's.
func hammerMatmul(seed uint64, B, T, C, OC int, deadline time.Time) string {
	rng := rand.New(rand.NewPCG(seed, 11))
	BT := B * T
	inp, weight, bias := randomSlice(rng, BT*C, 1), randomSlice(rng, OC*C, 1), randomSlice(rng, OC, 1)
	dout := randomSlice(rng, BT*OC, 1)
	grads0 := [3][]float32{randomSlice(rng, BT*C, 1), randomSlice(rng, OC*C, 1), randomSlice(rng, OC, 1)}
	out, wantOut := make([]float32, BT*OC), make([]float32, BT*OC)
	ref.MatmulForward(wantOut, inp, weight, bias, B, T, C, OC)
	var grads, want [3][]float32
	for i := range grads0 {
		grads[i], want[i] = make([]float32, len(grads0[i])), slices.Clone(grads0[i])
	}
	ref.MatmulBackward(want[0], want[1], want[2], dout, inp, weight, B, T, C, OC)
	for time.Now().Before(deadline) {
		MatmulForward(out, inp, weight, bias, B, T, C, OC)
		if e := differs("out", out, wantOut); e != "" {
			return e
		}
		for i := range grads {
			copy(grads[i], grads0[i])
		}
		MatmulBackward(grads[0], grads[1], grads[2], dout, inp, weight, B, T, C, OC)
		for i, name := range []string{"dinp", "dweight", "dbias"} {
			if e := differs(name, grads[i], want[i]); e != "" {
				return e
			}
		}
	}
	return ""
}

// differs describes the first element of got that is further from want
// than float32 rounding of these short sums can explain (1e-3 of the
// output's root mean square), or returns "".
func differs(name string, got, want []float32) string {
	var ss float64
	for _, w := range want {
		ss += float64(w) * float64(w)
	}
	tol := 1e-3 * math.Sqrt(ss/float64(len(want)))
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > tol {
			return fmt.Sprintf("%s[%d] = %v, want %v", name, i, got[i], want[i])
		}
	}
	return ""
}
