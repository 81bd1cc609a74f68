package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tutor-dev/tutor/kernels"
	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/train"
)

// TestFastInt8MatmulMatchesGo checks that the int8 product of package
// kernels (FastOps.Int8MatmulForward, SIMD where the build and CPU have
// it) computes an int8-activation model's products bit for bit as quant's
// Go product (Int8RowProduct, what RefOps uses), and gives the same logits.
//
// Every product of a forward pass is checked where it happens: the next
// product quantizes its input to int8 again, which hides most
// differences of a unit in the last place, so the logits alone would
// let a slightly wrong kernel pass. The model runs over RefOps and over
// FastOps, with each base's other ops on both sides. Groups of 32 take the
// SIMD kernel's main loop, groups of 16 its loop for other even sizes; the
// tied embedding makes a 512-column product.
func TestFastInt8MatmulMatchesGo(t *testing.T) {
	if model.FastOps.Int8MatmulForward == nil {
		t.Fatal("FastOps has no int8 product: int8-activation models compute with quant's Go product")
	}
	if model.RefOps.Int8MatmulForward != nil {
		t.Fatal("RefOps has an int8 product; the reference is quant's Go product (nil)")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	long := make([]int32, 64) // max_seq_len: 64 rows a product
	for i := range long {
		long[i] = int32(rng.IntN(512))
	}
	for _, group := range []int{32, 16} {
		dir := quantizeTiny(t, tinyModel, Options{GroupSize: group, Activations: ActivationsInt8})
		for _, base := range []*model.Ops{model.RefOps, model.FastOps} {
			name := fmt.Sprintf("group %d, over %s", group, base.Name)
			calls := 0
			checked := *base
			checked.Int8MatmulForward = func(out, inp []float32, q []int8, scales, bias []float32, R, C, OC, G int) {
				calls++
				kernels.Int8MatmulForward(out, inp, q, scales, bias, R, C, OC, G)
				w := &Matrix{Rows: OC, Cols: C, Group: G, Q: q, Scales: scales}
				want, xq := make([]float32, OC), make([]int8, C)
				for r := range R {
					sx := QuantizeRow(xq, inp[r*C:(r+1)*C])
					Int8RowProduct(want, xq, sx, w, bias)
					for j, v := range want {
						if got := out[r*OC+j]; math.Float32bits(got) != math.Float32bits(v) {
							t.Fatalf("%s: product %d (R=%d C=%d OC=%d G=%d): out[%d,%d] = %v, want %v", name, calls, R, C, OC, G, r, j, got, v)
						}
					}
				}
			}
			goOps := *base
			goOps.Int8MatmulForward = nil
			fast, _, err := Open(dir, train.OpenOptions{Ops: &checked})
			if err != nil {
				t.Fatal(err)
			}
			slow, _, err := Open(dir, train.OpenOptions{Ops: &goOps})
			if err != nil {
				t.Fatal(err)
			}
			inputs := [][]int32{long}
			for _, p := range prompts {
				inputs = append(inputs, encode(slow, p))
			}
			for _, ids := range inputs {
				want, err := slow.Model.Logits(ids)
				if err != nil {
					t.Fatal(err)
				}
				want = append([]float32(nil), want...)
				got, err := fast.Model.Logits(ids)
				if err != nil {
					t.Fatal(err)
				}
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s, %d tokens: logit %d = %v, want %v", name, len(ids), i, got[i], want[i])
					}
				}
			}
			// Two blocks of four products and the head, per input.
			if want := 9 * len(inputs); calls != want {
				t.Fatalf("%s: the kernel computed %d products, want %d", name, calls, want)
			}
		}
	}
}
