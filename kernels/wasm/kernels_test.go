//go:build js && wasm

package wasm_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tutor-dev/tutor/kernels/ref"
	"github.com/tutor-dev/tutor/kernels/wasm"
	"github.com/tutor-dev/tutor/model/quant"
)

// The awkward sizes of the project's parity tests: the kernels' blocked
// loops (2 rows by 4 columns) and their edges all run.
var sizes = []int{1, 3, 17, 129}

func randoms(r *rand.Rand, n int, scale float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = (r.Float32()*2 - 1) * scale
	}
	return x
}

// TestParityInt8Matmul: the SIMD128 int8 product gives the float32 numbers
// of package quant's Go product bit for bit, with and without bias.
func TestParityInt8Matmul(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, R := range sizes {
		for _, OC := range sizes {
			for _, C := range []int{32, 64, 256} {
				for _, withBias := range []bool{false, true} {
					t.Run(fmt.Sprintf("R=%d/OC=%d/C=%d/bias=%v", R, OC, C, withBias), func(t *testing.T) {
						w, err := quant.QuantizeMatrix(randoms(r, OC*C, 0.2), OC, C, 32)
						if err != nil {
							t.Fatal(err)
						}
						inp := randoms(r, R*C, 3)
						if R > 1 {
							clear(inp[C : 2*C]) // a row of zeros has scale 0
						}
						var bias []float32
						if withBias {
							bias = randoms(r, OC, 1)
						}
						want := make([]float32, R*OC)
						xq := make([]int8, C)
						for i := range R {
							sx := quant.QuantizeRow(xq, inp[i*C:(i+1)*C])
							quant.Int8RowProduct(want[i*OC:(i+1)*OC], xq, sx, w, bias)
						}
						got := make([]float32, R*OC)
						wasm.Int8MatmulForward(got, inp, w.Q, w.Scales, bias, R, C, OC, w.Group)
						for i := range want {
							if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
								t.Fatalf("out[%d] = %v, Go's product gives %v", i, got[i], want[i])
							}
						}
					})
				}
			}
		}
	}
}

// TestParityMatmulForward: the SIMD128 float product matches the
// reference within float32 rounding of a differently ordered sum.
func TestParityMatmulForward(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, R := range sizes {
		for _, OC := range sizes {
			for _, C := range sizes {
				t.Run(fmt.Sprintf("R=%d/OC=%d/C=%d", R, OC, C), func(t *testing.T) {
					inp, weight, bias := randoms(r, R*C, 1), randoms(r, OC*C, 1), randoms(r, OC, 1)
					want := make([]float32, R*OC)
					ref.MatmulForward(want, inp, weight, bias, 1, R, C, OC)
					got := make([]float32, R*OC)
					wasm.MatmulForward(got, inp, weight, bias, 1, R, C, OC)
					for i := range want {
						if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*float64(C) {
							t.Fatalf("out[%d] = %v, reference %v", i, got[i], want[i])
						}
					}
					ref.MatmulForward(want, inp, weight, nil, 1, R, C, OC)
					wasm.MatmulForward(got, inp, weight, nil, 1, R, C, OC)
					for i := range want {
						if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*float64(C) {
							t.Fatalf("without bias: out[%d] = %v, reference %v", i, got[i], want[i])
						}
					}
				})
			}
		}
	}
}

// TestParityGeluForward: the SIMD128 GELU is within float32 rounding of
// the reference, from deep in the negative tail to large inputs.
func TestParityGeluForward(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, N := range sizes {
		inp := randoms(r, N, 6)
		inp[0] = -12
		want, got := make([]float32, N), make([]float32, N)
		ref.GeluForward(want, inp, N)
		wasm.GeluForward(got, inp, N)
		for i := range want {
			if d := math.Abs(float64(got[i] - want[i])); d > 2e-6*max(1, math.Abs(float64(want[i]))) {
				t.Fatalf("N=%d: gelu(%v) = %v, reference %v", N, inp[i], got[i], want[i])
			}
		}
	}
}

// TestParityAttentionForward: outputs and saved probabilities match the
// reference for causal and bidirectional attention, with padding.
func TestParityAttentionForward(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, T := range sizes {
		for _, causal := range []bool{false, true} {
			for _, shape := range []struct{ C, NH int }{{12, 3}, {256, 4}} {
				B, C, NH := 2, shape.C, shape.NH
				t.Run(fmt.Sprintf("T=%d/C=%d/causal=%v", T, C, causal), func(t *testing.T) {
					qkv := randoms(r, B*T*3*C, 2)
					valid := []int{T, (T + 1) / 2}
					want, got := make([]float32, B*T*C), make([]float32, B*T*C)
					wantAtt, gotAtt := make([]float32, B*NH*T*T), make([]float32, B*NH*T*T)
					for i := range gotAtt {
						gotAtt[i] = 9 // every entry must be written
					}
					ref.AttentionForward(want, wantAtt, qkv, valid, B, T, C, NH, causal)
					wasm.AttentionForward(got, gotAtt, qkv, valid, B, T, C, NH, causal)
					for i := range want {
						if d := math.Abs(float64(got[i] - want[i])); d > 2e-5 {
							t.Fatalf("out[%d] = %v, reference %v", i, got[i], want[i])
						}
					}
					for i := range wantAtt {
						if d := math.Abs(float64(gotAtt[i] - wantAtt[i])); d > 2e-6 {
							t.Fatalf("att[%d] = %v, reference %v", i, gotAtt[i], wantAtt[i])
						}
					}
				})
			}
		}
	}
}

// TestParityLayerNormForward: outputs, means and reciprocal deviations
// within float32 rounding of the reference.
func TestParityLayerNormForward(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, R := range sizes {
		for _, C := range sizes {
			inp, w, b := randoms(r, R*C, 3), randoms(r, C, 1), randoms(r, C, 1)
			for i := range inp[:C] {
				inp[i] = 2 // a row of equal values
			}
			want, got := make([]float32, R*C), make([]float32, R*C)
			wm, gm, wr, gr := make([]float32, R), make([]float32, R), make([]float32, R), make([]float32, R)
			ref.LayerNormForward(want, wm, wr, inp, w, b, 1, R, C)
			wasm.LayerNormForward(got, gm, gr, inp, w, b, 1, R, C)
			for i := range want {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-4 {
					t.Fatalf("R=%d C=%d: out[%d] = %v, reference %v", R, C, i, got[i], want[i])
				}
			}
			for i := range wm {
				if math.Abs(float64(gm[i]-wm[i])) > 1e-5 || math.Abs(float64(gr[i]-wr[i])) > 1e-3*float64(wr[i]) {
					t.Fatalf("R=%d C=%d: row %d mean %v rstd %v, reference %v %v", R, C, i, gm[i], gr[i], wm[i], wr[i])
				}
			}
		}
	}
}
