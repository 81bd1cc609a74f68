package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
	"weak"
)

// int8Reference is the int8 product written out as package quant defines
// it, one output at a time: the rows quantized in float64 and rounded half
// away from zero, exact int32 sums per group, each float32 product and sum
// rounded on its own, groups in order.
func int8Reference(out, inp []float32, q []int8, scales, bias []float32, R, C, OC, G int) {
	groups := C / G
	xq := make([]int8, C)
	for r := range R {
		x := inp[r*C : (r+1)*C]
		amax := float32(0)
		for _, v := range x {
			amax = max(amax, float32(math.Abs(float64(v))))
		}
		sx := amax / 127
		for k, v := range x {
			xq[k] = 0
			if sx != 0 {
				xq[k] = int8(max(-127, min(127, math.Round(float64(v)/float64(sx)))))
			}
		}
		for j := range OC {
			acc := float32(0)
			for g := range groups {
				var sum int32
				for k := g * G; k < (g+1)*G; k++ {
					sum += int32(xq[k]) * int32(q[j*C+k])
				}
				prod := float32(scales[j*groups+g] * float32(sum))
				acc = float32(acc + prod)
			}
			v := float32(sx * acc)
			if bias != nil {
				v = float32(v + bias[j])
			}
			out[r*OC+j] = v
		}
	}
}

// withEachInt8Kernel runs f once per int8 kernel the CPU supports (the
// portable one always).
func withEachInt8Kernel(t *testing.T, f func(t *testing.T)) {
	saved := int8Kern
	defer func() { int8Kern = saved }()
	for _, k := range int8Kernels {
		int8Kern = k
		t.Run(k.name, f)
	}
}

func randomInt8(rng *rand.Rand, n int) []int8 {
	q := make([]int8, n)
	for i := range q {
		q[i] = int8(rng.IntN(255) - 127)
	}
	return q
}

// int8Inputs returns R random rows of C inputs, with a row of zeros and,
// where there are enough rows, one whose scale is exactly 1 and whose
// values sit halfway between integers, so that rounding half away from
// zero is checked.
func int8Inputs(rng *rand.Rand, R, C int) []float32 {
	inp := randomSlice(rng, R*C, 1)
	if R > 1 {
		clear(inp[C : 2*C])
	}
	if R > 2 && C > 0 {
		row := inp[2*C : 3*C]
		for k := range row {
			row[k] = float32(rng.IntN(253)-126) + 0.5
		}
		row[0] = 127
	}
	return inp
}

func checkInt8Bits(t *testing.T, name string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: out[%d] = %v (%#x), want %v (%#x)", name, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

func TestParityInt8MatmulForward(t *testing.T) {
	type shape struct{ R, C, OC, G int }
	var shapes []shape
	for _, R := range awkward {
		for _, OC := range awkward {
			for _, C := range []int{32, 64, 256, 1024} {
				shapes = append(shapes, shape{R, C, OC, 32})
			}
		}
	}
	// Other group sizes: a whole row, 64, sizes that are even but no
	// multiple of 32 (which the SIMD kernel sums in a slower loop), an odd
	// size that the packed kernels leave to the portable one; row counts
	// that leave one or two rows after the SIMD kernel's tiles of three;
	// and rows of no inputs.
	shapes = append(shapes, shape{5, 64, 40, 64}, shape{9, 128, 33, 64}, shape{10, 64, 64, 64},
		shape{7, 96, 50, 16}, shape{4, 12, 33, 2}, shape{4, 96, 20, 3}, shape{3, 0, 5, 32})
	withEachInt8Kernel(t, func(t *testing.T) {
		rng := newRand(t)
		for _, s := range shapes {
			q, scales := randomInt8(rng, s.OC*s.C), randomSlice(rng, s.OC*(s.C/s.G), 0.01)
			for i := range scales {
				scales[i] = float32(math.Abs(float64(scales[i])))
			}
			inp := int8Inputs(rng, s.R, s.C)
			for _, withBias := range []bool{false, true} {
				var bias []float32
				if withBias {
					bias = randomSlice(rng, s.OC, 1)
				}
				name := fmt.Sprintf("R%d C%d OC%d G%d bias %v", s.R, s.C, s.OC, s.G, withBias)
				want := make([]float32, s.R*s.OC)
				int8Reference(want, inp, q, scales, bias, s.R, s.C, s.OC, s.G)
				// The output starts as NaNs and ends one element past the
				// product, which must stay as it was.
				got := make([]float32, s.R*s.OC+1)
				for i := range got {
					got[i] = float32(math.NaN())
				}
				Int8MatmulForward(got, inp, q, scales, bias, s.R, s.C, s.OC, s.G)
				checkInt8Bits(t, name, got, want)
				if !math.IsNaN(float64(got[len(got)-1])) {
					t.Fatalf("%s: wrote past the output", name)
				}
				// A second call reads the packed weights from the cache.
				Int8MatmulForward(got, inp, q, scales, bias, s.R, s.C, s.OC, s.G)
				checkInt8Bits(t, name+" again", got, want)
			}
		}
	})
}

// TestInt8MatmulForwardExtremes checks rows whose scale is infinite or
// NaN, and inputs of the largest magnitude, against the reference.
func TestInt8MatmulForwardExtremes(t *testing.T) {
	const R, C, OC, G = 6, 64, 48, 32
	withEachInt8Kernel(t, func(t *testing.T) {
		rng := newRand(t)
		inp := randomSlice(rng, R*C, 1)
		inp[3] = float32(math.Inf(1))
		inp[C+5] = float32(math.NaN())
		for k := range C {
			inp[2*C+k] = float32(math.MaxFloat32) * float32(k%3-1)
			inp[3*C+k] = 1e-40 * float32(k%5-2) // subnormal
		}
		q, scales, bias := randomInt8(rng, OC*C), randomSlice(rng, OC*C/G, 0.01), randomSlice(rng, OC, 1)
		want, got := make([]float32, R*OC), make([]float32, R*OC)
		int8Reference(want, inp, q, scales, bias, R, C, OC, G)
		Int8MatmulForward(got, inp, q, scales, bias, R, C, OC, G)
		checkInt8Bits(t, "extremes", got, want)
	})
}

func TestInt8MatmulForwardDimensions(t *testing.T) {
	q, s, in, out := make([]int8, 64*4), make([]float32, 8), make([]float32, 2*64), make([]float32, 2*4)
	bad := map[string]func(){
		"group does not divide": func() { Int8MatmulForward(out, in, q, s, nil, 2, 64, 4, 24) },
		"group zero":            func() { Int8MatmulForward(out, in, q, s, nil, 2, 64, 4, 0) },
		"short weights":         func() { Int8MatmulForward(out, in, q[:10], s, nil, 2, 64, 4, 32) },
		"short scales":          func() { Int8MatmulForward(out, in, q, s[:7], nil, 2, 64, 4, 32) },
		"short bias":            func() { Int8MatmulForward(out, in, q, s, s[:3], 2, 64, 4, 32) },
		"short output":          func() { Int8MatmulForward(out[:7], in, q, s, nil, 2, 64, 4, 32) },
		"short input":           func() { Int8MatmulForward(out, in[:127], q, s, nil, 2, 64, 4, 32) },
		"negative":              func() { Int8MatmulForward(out, in, q, s, nil, -1, 64, 4, 32) },
	}
	for name, f := range bad {
		func() {
			defer func() {
				if r := recover(); r != ErrDimension {
					t.Errorf("%s: panic %v, want %q", name, r, ErrDimension)
				}
			}()
			f()
		}()
	}
}

// TestInt8PackedForgotten checks that a packed matrix is dropped once its
// weights are no longer reachable, and that its first call packed it.
func TestInt8PackedForgotten(t *testing.T) {
	const R, C, OC, G = 2, 64, 40, 32
	rng := newRand(t)
	q, scales := randomInt8(rng, OC*C), randomSlice(rng, OC*C/G, 0.01)
	key := weak.Make(&q[0])
	packedInt8(q, scales, C, OC, G, 32)
	cached := func() bool {
		int8Packs.Lock()
		defer int8Packs.Unlock()
		_, ok := int8Packs.m[key]
		return ok
	}
	if !cached() {
		t.Fatal("the packed matrix is not in the cache")
	}
	runtime.KeepAlive(q)
	q = nil
	for deadline := time.Now().Add(5 * time.Second); cached(); {
		if time.Now().After(deadline) {
			t.Fatal("the packed matrix is still cached 5 s after its weights became unreachable")
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

// TestInt8PackLayout checks the packed layout against its definition on a
// matrix whose last strip is partial.
func TestInt8PackLayout(t *testing.T) {
	const C, OC, G, W = 64, 40, 32, 32
	rng := newRand(t)
	q, scales := randomInt8(rng, OC*C), randomSlice(rng, OC*C/G, 1)
	p := packInt8(q, scales, C, OC, G, W)
	for s := range 2 {
		for c := range W {
			j := s*W + c
			for k := range C {
				want := int8(0)
				if j < OC {
					want = q[j*C+k]
				}
				if got := p.q[s*W*C+k/2*2*W+2*c+k%2]; got != want {
					t.Fatalf("weight (%d,%d) packed as %d, want %d", j, k, got, want)
				}
			}
			for g := range C / G {
				want := float32(0)
				if j < OC {
					want = scales[j*(C/G)+g]
				}
				if got := p.scales[(s*(C/G)+g)*W+c]; got != want {
					t.Fatalf("scale (%d,%d) packed as %v, want %v", j, g, got, want)
				}
			}
		}
	}
}

// BenchmarkInt8MatmulForward times the product at the int8 student's
// shapes for 32 positions (attention's qkv, the MLP's halves, and an
// 8192-wide product), through the readable reference of the test and
// every kernel the CPU supports. A multiply-add counts as two operations.
func BenchmarkInt8MatmulForward(b *testing.B) {
	shapes := []struct{ R, C, OC int }{{32, 256, 768}, {32, 256, 1024}, {32, 1024, 256}, {32, 256, 8192}}
	type impl struct {
		name string
		kern *int8Kernel
	}
	impls := []impl{{"ref", nil}}
	for i := range int8Kernels {
		impls = append(impls, impl{int8Kernels[i].name, &int8Kernels[i]})
	}
	saved := int8Kern
	defer func() { int8Kern = saved }()
	for _, im := range impls {
		for _, s := range shapes {
			b.Run(fmt.Sprintf("%s/%dx%dx%d", im.name, s.R, s.C, s.OC), func(b *testing.B) {
				const G = 32
				rng := rand.New(rand.NewPCG(1, 2))
				inp, bias := randomSlice(rng, s.R*s.C, 1), randomSlice(rng, s.OC, 1)
				q, scales := randomInt8(rng, s.OC*s.C), randomSlice(rng, s.OC*s.C/G, 0.01)
				out := make([]float32, s.R*s.OC)
				call := func() { int8Reference(out, inp, q, scales, bias, s.R, s.C, s.OC, G) }
				if im.kern != nil {
					int8Kern = *im.kern
					call = func() { Int8MatmulForward(out, inp, q, scales, bias, s.R, s.C, s.OC, G) }
				}
				call() // packs the weights, grows the scratch
				b.ReportAllocs()
				start := cpuNow()
				for b.Loop() {
					call()
				}
				ops := 2 * float64(s.R*s.C*s.OC)
				b.ReportMetric(ops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
				if cpu := start.since(); cpu > 0 {
					b.ReportMetric(ops*float64(b.N)/cpu/1e9, "GOP/cpu-s")
				}
			})
		}
	}
}
