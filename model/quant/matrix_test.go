package quant

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomWeights draws rows×cols weights like a trained matrix's, with a
// few large outliers, one group of zeros and one of a single repeated
// value, which are the groups where rounding is most likely to go wrong.
func randomWeights(rows, cols int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	w := make([]float32, rows*cols)
	for i := range w {
		w[i] = float32(rng.NormFloat64() * 0.02)
		if rng.IntN(500) == 0 {
			w[i] *= 40
		}
	}
	if len(w) >= 64 {
		clear(w[:32])
		for i := 32; i < 64; i++ {
			w[i] = -0.7
		}
	}
	return w
}

// TestQuantizeErrorWithinHalfScale checks the promise of rounding: every
// dequantized weight is within half its group's scale of the float one,
// every int8 is in [-127, 127], and each group's largest weight maps to
// ±127 exactly (the scale is not wasted).
func TestQuantizeErrorWithinHalfScale(t *testing.T) {
	for _, tc := range []struct{ rows, cols, group int }{{1, 32, 32}, {3, 64, 32}, {17, 128, 64}, {129, 256, 32}, {5, 96, 16}} {
		w := randomWeights(tc.rows, tc.cols, uint64(tc.rows))
		q, err := QuantizeMatrix(w, tc.rows, tc.cols, tc.group)
		if err != nil {
			t.Fatal(err)
		}
		if len(q.Scales) != tc.rows*tc.cols/tc.group {
			t.Fatalf("%v: %d scales", tc, len(q.Scales))
		}
		deq := make([]float32, len(w))
		q.Dequantize(deq)
		for i, v := range w {
			s := q.Scales[i/tc.group]
			// s·q is rounded to float32 once more; allow that one
			// rounding (a relative 2^-24 of the weight) on top of s/2.
			bound := float64(s)/2 + math.Abs(float64(v))*0x1p-23
			if d := math.Abs(float64(v) - float64(deq[i])); d > bound {
				t.Fatalf("%v: weight %d = %v dequantizes to %v (error %g > scale/2 = %g)", tc, i, v, deq[i], d, bound)
			}
			if q.Q[i] < -MaxQ {
				t.Fatalf("%v: weight %d quantized to %d", tc, i, q.Q[i])
			}
		}
		for g, s := range q.Scales {
			peak := int8(0)
			for _, x := range q.Q[g*tc.group : (g+1)*tc.group] {
				peak = max(peak, x, -x)
			}
			if s > 0 && peak != MaxQ || s == 0 && peak != 0 {
				t.Errorf("%v: group %d has scale %v and largest |q| %d", tc, g, s, peak)
			}
		}
	}
}

func TestQuantizeZerosAndConstants(t *testing.T) {
	w := randomWeights(2, 64, 7)
	q, err := QuantizeMatrix(w, 2, 64, 32)
	if err != nil {
		t.Fatal(err)
	}
	if q.Scales[0] != 0 {
		t.Errorf("a group of zeros has scale %v, want 0", q.Scales[0])
	}
	deq := make([]float32, len(w))
	q.Dequantize(deq)
	for i := 32; i < 64; i++ {
		if deq[i] != -0.7 && math.Abs(float64(deq[i])+0.7) > 1e-7 {
			t.Errorf("constant group: %v, want -0.7", deq[i])
		}
	}
}

func TestGroupMustDivideInputs(t *testing.T) {
	for _, tc := range []struct {
		cols, group int
		want        string
	}{{32, 64, "does not divide the 32 inputs"}, {96, 64, "a power of two up to 32"}, {32, 0, "positive"}, {32, -8, "positive"}} {
		_, err := QuantizeMatrix(make([]float32, tc.cols), 1, tc.cols, tc.group)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("cols %d group %d: %v, want an error mentioning %q", tc.cols, tc.group, err, tc.want)
		}
	}
	if _, err := QuantizeMatrix(make([]float32, 63), 2, 32, 32); err == nil {
		t.Error("63 weights for a (2,32) matrix were accepted")
	}
}

func TestIsQuantized(t *testing.T) {
	for name, want := range map[string]bool{
		"wte.weight": true, "h.0.attn.qkv.weight": true, "h.3.attn.proj.weight": true,
		"h.1.mlp.fc.weight": true, "h.12.mlp.proj.weight": true,
		"wpe.weight": false, "h.0.attn.qkv.bias": false, "h.0.ln_1.weight": false, "ln_f.weight": false,
		"tag_head.weight": false, "cls_head.weight": false, "lora.h.0.attn.qkv.weight": false,
	} {
		if IsQuantized(name) != want {
			t.Errorf("IsQuantized(%q) = %v, want %v", name, !want, want)
		}
	}
}

// TestInt8RowProduct checks the int8 product against the same sum in
// float64 over the dequantized numbers: the int32 sums are exact, so the
// two agree up to float32 rounding of the per-group accumulation. It also
// checks that the quantized product stays close to the float product of
// the unquantized numbers.
func TestInt8RowProduct(t *testing.T) {
	const rows, cols, group = 7, 96, 32
	w := randomWeights(rows, cols, 3)
	q, err := QuantizeMatrix(w, rows, cols, group)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	x := make([]float32, cols)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	bias := []float32{0.5, -1, 0, 0, 2, 0, 0.25}
	xq := make([]int8, cols)
	sx := QuantizeRow(xq, x)
	out := make([]float32, rows)
	Int8RowProduct(out, xq, sx, q, bias)
	deq := make([]float32, len(w))
	q.Dequantize(deq)
	for j := range rows {
		var exact, float float64
		for k := range cols {
			exact += float64(sx) * float64(xq[k]) * float64(deq[j*cols+k])
			float += float64(x[k]) * float64(w[j*cols+k])
		}
		exact += float64(bias[j])
		float += float64(bias[j])
		if d := math.Abs(float64(out[j]) - exact); d > 1e-5*(1+math.Abs(exact)) {
			t.Errorf("row %d: %v, the exact sum of the quantized numbers is %v", j, out[j], exact)
		}
		// Both operands carry a relative error of about 0.5% (rounding
		// to 1/127 of a group's or row's largest value); the product's
		// error is within a few percent of the operands' magnitudes.
		var mag float64
		for k := range cols {
			mag += math.Abs(float64(x[k]) * float64(w[j*cols+k]))
		}
		if d := math.Abs(float64(out[j]) - float); d > 0.02*mag {
			t.Errorf("row %d: %v, the float product is %v (difference %g, %g of the magnitude)", j, out[j], float, d, d/mag)
		}
	}
	zero := make([]float32, cols)
	if s := QuantizeRow(xq, zero); s != 0 {
		t.Errorf("a row of zeros has scale %v", s)
	}
	Int8RowProduct(out, xq, 0, q, bias)
	for j := range rows {
		if out[j] != bias[j] {
			t.Errorf("zero input, row %d: %v, want the bias %v", j, out[j], bias[j])
		}
	}
}
