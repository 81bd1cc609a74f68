package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLayerNormRowMatchesPortable checks the vector layerNormRow against
// the portable one on row lengths with and without partial vectors, and on
// a row of close values whose small variance float32 sums would spoil.
func TestLayerNormRowMatchesPortable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 7, 8, 15, 16, 17, 31, 33, 64, 100, 256, 257, 768} {
		for _, offset := range []float32{0, 1000} {
			x, w, b := make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range x {
				x[i] = offset + float32(rng.NormFloat64())*0.01
				w[i] = float32(rng.NormFloat64())
				b[i] = float32(rng.NormFloat64())
			}
			want, got := make([]float32, n), make([]float32, n)
			wm, wr := layerNormRowGo(want, x, w, b)
			gm, gr := layerNormRow(got, x, w, b)
			if !close32(gm, wm, 1e-6) || !close32(gr, wr, 1e-5) {
				t.Fatalf("n=%d offset=%v: mean, rstd = %v, %v; want %v, %v", n, offset, gm, gr, wm, wr)
			}
			for i := range got {
				if !close32(got[i], want[i], 1e-4) {
					t.Fatalf("n=%d offset=%v: out[%d] = %v, want %v", n, offset, i, got[i], want[i])
				}
			}
		}
	}
}

func close32(a, b, rel float32) bool {
	return math.Abs(float64(a-b)) <= float64(rel)*max(1, math.Abs(float64(b)))
}
