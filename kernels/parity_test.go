package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tutor-dev/tutor/kernels/ref"
)

// Parity tests: every op against kernels/ref on fresh random inputs at
// awkward sizes. Gradient outputs start from random values, not zeros, so
// that the tests also check that backward ops add (+=) rather than
// overwrite. Each op's tolerance is relative to the larger of the element
// and the root mean square of the reference output, and the comment at each
// says why it is what it is.

// awkward are the sizes that catch edge handling: a single element, less
// than one register tile, just over a multiple of 16, and just over 128.
var awkward = []int{1, 3, 17, 129}

func newRand(t testing.TB) *rand.Rand {
	// A fresh seed per run, printed so that a failure can be replayed.
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	return rand.New(rand.NewPCG(seed, 0x5eed))
}

func randomSlice(rng *rand.Rand, n int, scale float64) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64() * scale)
	}
	return s
}

// assertClose fails unless |got-want| <= tol·max(|want|, rms(want)) for every
// element.
func assertClose(t *testing.T, name string, got, want []float32, tol float64) {
	t.Helper()
	assertCloseFloor(t, name, got, want, tol, 0)
}

// assertCloseFloor is assertClose with the error allowed relative to at
// least floor: for outputs that can be tiny differences of quantities of
// order floor (a loss near zero is log-normaliser minus logit), where only
// the absolute error means anything.
func assertCloseFloor(t *testing.T, name string, got, want []float32, tol, floor float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", name, len(got), len(want))
	}
	var ss float64
	for _, w := range want {
		ss += float64(w) * float64(w)
	}
	rms := math.Sqrt(ss / float64(max(1, len(want))))
	worst, at := 0.0, -1
	for i := range got {
		bound := tol * max(math.Abs(float64(want[i])), rms, floor)
		excess := math.Abs(float64(got[i])-float64(want[i])) - bound
		if !(excess <= 0) && (at < 0 || excess > worst) { // also catches NaN
			worst, at = excess, i
		}
	}
	if at >= 0 {
		t.Errorf("%s[%d] = %v, want %v (tolerance %g relative, rms %g)", name, at, got[at], want[at], tol, rms)
	}
}

// withEachMicroKernel runs f once per matrix micro-kernel the CPU supports
// (the portable one always), so that a SIMD build checks both paths.
func withEachMicroKernel(t *testing.T, f func(t *testing.T)) {
	saved := gemmKernel
	defer func() { gemmKernel = saved }()
	for _, k := range microKernels {
		gemmKernel = k
		t.Run(k.name, f)
	}
}

// forEachMicroKernel is withEachMicroKernel within one test, for checks
// that share an expensive reference result.
func forEachMicroKernel(f func(kernel string)) {
	saved := gemmKernel
	defer func() { gemmKernel = saved }()
	for _, k := range microKernels {
		gemmKernel = k
		f(k.name)
	}
}

type matmulShape struct{ B, T, C, OC int }

func matmulShapes() []matmulShape {
	var shapes []matmulShape
	for _, bt := range awkward {
		for _, c := range awkward {
			for _, oc := range awkward {
				shapes = append(shapes, matmulShape{1, bt, c, oc})
			}
		}
	}
	// Larger than one block in every dimension: several jobs, several
	// slices of the summed dimension, ragged edges everywhere; then the
	// same with few positions and many outputs (the forward pass computes
	// outᵀ), and an empty summed dimension.
	return append(shapes, matmulShape{3, 100, 300, 600}, matmulShape{1, 64, 300, 700}, matmulShape{2, 3, 0, 5})
}

// Matmul tolerance: the reference sums in float64, the fast path in float32
// in a different order, so each output carries a rounding error of about
// 1e-7·sqrt(C) relative to the typical output (for C=300, 2e-6); 1e-4 leaves
// room for unlucky cancellation without hiding a wrong index, which is off
// by order 1.
const matmulTol = 1e-4

// sumScale is the typical size of a sum of n random terms of order 1 (plus
// the value it is added to). The rounding error of such a sum scales with
// it even when the terms cancel to almost nothing (seen: an OC=1, T=129
// dbias of 0.003, a C=1 dinp of 0.0004), so errors are measured against it.
func sumScale(n int) float64 { return math.Sqrt(float64(n + 1)) }

func TestParityMatmulForward(t *testing.T) {
	rng := newRand(t)
	for _, s := range matmulShapes() {
		for _, withBias := range []bool{true, false} {
			inp := randomSlice(rng, s.B*s.T*s.C, 1)
			weight := randomSlice(rng, s.OC*s.C, 1)
			var bias []float32
			if withBias {
				bias = randomSlice(rng, s.OC, 1)
			}
			want := make([]float32, s.B*s.T*s.OC)
			ref.MatmulForward(want, inp, weight, bias, s.B, s.T, s.C, s.OC)
			forEachMicroKernel(func(kernel string) {
				got := randomSlice(rng, s.B*s.T*s.OC, 1) // stale values must be overwritten
				MatmulForward(got, inp, weight, bias, s.B, s.T, s.C, s.OC)
				assertCloseFloor(t, fmt.Sprintf("%s out %+v bias=%v", kernel, s, withBias), got, want, matmulTol, sumScale(s.C))
			})
		}
	}
}

func TestParityMatmulBackward(t *testing.T) {
	rng := newRand(t)
	for _, s := range matmulShapes() {
		for _, withBias := range []bool{true, false} {
			BT := s.B * s.T
			inp := randomSlice(rng, BT*s.C, 1)
			weight := randomSlice(rng, s.OC*s.C, 1)
			dout := randomSlice(rng, BT*s.OC, 1)
			dinp, dweight := randomSlice(rng, BT*s.C, 1), randomSlice(rng, s.OC*s.C, 1)
			wantDinp, wantDweight := slices.Clone(dinp), slices.Clone(dweight)
			var dbias, wantDbias []float32
			if withBias {
				dbias = randomSlice(rng, s.OC, 1)
				wantDbias = slices.Clone(dbias)
			}
			ref.MatmulBackward(wantDinp, wantDweight, wantDbias, dout, inp, weight, s.B, s.T, s.C, s.OC)
			forEachMicroKernel(func(kernel string) {
				gotDinp, gotDweight := slices.Clone(dinp), slices.Clone(dweight)
				var gotDbias []float32
				if withBias {
					gotDbias = slices.Clone(dbias)
				}
				MatmulBackward(gotDinp, gotDweight, gotDbias, dout, inp, weight, s.B, s.T, s.C, s.OC)
				name := fmt.Sprintf("%s %+v bias=%v", kernel, s, withBias)
				assertCloseFloor(t, "dinp "+name, gotDinp, wantDinp, matmulTol, sumScale(s.OC))
				assertCloseFloor(t, "dweight "+name, gotDweight, wantDweight, matmulTol, sumScale(BT))
				if withBias {
					// The fast path sums dout over positions before adding
					// the sum into dbias; the reference adds one at a time.
					assertCloseFloor(t, "dbias "+name, gotDbias, wantDbias, matmulTol, sumScale(BT))
				}
			})
		}
	}
}

// TestParityMatmulBackwardFrozen: a nil dweight (a frozen weight) skips
// that gradient only — dinp and dbias come out as with every gradient, in
// the reference exactly and in the fast kernel within the usual tolerance.
func TestParityMatmulBackwardFrozen(t *testing.T) {
	rng := newRand(t)
	for _, s := range matmulShapes() {
		BT := s.B * s.T
		inp := randomSlice(rng, BT*s.C, 1)
		weight := randomSlice(rng, s.OC*s.C, 1)
		dout := randomSlice(rng, BT*s.OC, 1)
		dinp, dbias := randomSlice(rng, BT*s.C, 1), randomSlice(rng, s.OC, 1)
		wantDinp, wantDbias := slices.Clone(dinp), slices.Clone(dbias)
		ref.MatmulBackward(wantDinp, make([]float32, s.OC*s.C), wantDbias, dout, inp, weight, s.B, s.T, s.C, s.OC)
		for _, withBias := range []bool{true, false} {
			name := fmt.Sprintf("%+v bias=%v", s, withBias)
			refDinp, refDbias := slices.Clone(dinp), slices.Clone(dbias)
			ref.MatmulBackward(refDinp, nil, biasOrNil(refDbias, withBias), dout, inp, weight, s.B, s.T, s.C, s.OC)
			if !slices.Equal(refDinp, wantDinp) {
				t.Errorf("ref dinp %s: differs with a nil dweight", name)
			}
			forEachMicroKernel(func(kernel string) {
				gotDinp, gotDbias := slices.Clone(dinp), slices.Clone(dbias)
				MatmulBackward(gotDinp, nil, biasOrNil(gotDbias, withBias), dout, inp, weight, s.B, s.T, s.C, s.OC)
				assertCloseFloor(t, "dinp "+kernel+" "+name, gotDinp, wantDinp, matmulTol, sumScale(s.OC))
				want := wantDbias
				if !withBias {
					want = dbias // untouched
				}
				assertCloseFloor(t, "dbias "+kernel+" "+name, gotDbias, want, matmulTol, sumScale(BT))
			})
		}
	}
}

func biasOrNil(b []float32, with bool) []float32 {
	if with {
		return b
	}
	return nil
}
