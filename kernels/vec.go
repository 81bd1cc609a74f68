package kernels

import "math"

// Small vector routines that the attention, softmax and GELU loops are built
// from. The portable versions are here; vec_simd_amd64.go provides the
// dot, axpy and exponential routines for SIMD builds, and vec_go.go
// forwards to these otherwise.

// dotGo is Σ a[i]·b[i] over len(a) elements, with four partial sums so that
// the additions do not wait on each other.
func dotGo(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpyGo adds alpha·x into y over len(x) elements.
func axpyGo(alpha float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

// Constants of exp32: log2(e), and ln(2) split into a part with few
// significant bits (so that n·ln2Hi is exact for |n| < 2^8) and the rest.
const (
	log2e float32 = 1.44269504088896341
	ln2Hi float32 = 0.693359375
	ln2Lo float32 = -2.12194440e-4
	// Beyond these, e^x is below the smallest normal float32 (flushed to
	// zero) or above the largest (infinity).
	expMin float32 = -87.33654
	expMax float32 = 88.72284
)

// exp32 is e^x in float32 arithmetic: x = n·ln2 + r with |r| <= ln2/2, then
// e^x = 2^n · e^r with e^r from its Taylor series to the r^7 term (the
// first omitted term is below 2.5e-9 relative). The result is within a few
// units in the last place of math.Exp; results below the smallest normal
// float32 are flushed to zero.
func exp32(x float32) float32 {
	if !(x > expMin) { // also NaN
		if x != x {
			return x
		}
		return 0
	}
	if x > expMax {
		return float32(math.Inf(1))
	}
	t := x * log2e
	var n int32
	if t >= 0 {
		n = int32(t + 0.5)
	} else {
		n = int32(t - 0.5)
	}
	fn := float32(n)
	r := (x - fn*ln2Hi) - fn*ln2Lo
	p := float32(1.0 / 5040)
	p = p*r + 1.0/720
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	// 2^n by building the exponent field; n+127 lies in [1, 255) here
	// except at the top, where 2^(n-1) is applied twice instead.
	if n > 126 {
		return p * 2 * math.Float32frombits(uint32(n-1+127)<<23)
	}
	return p * math.Float32frombits(uint32(n+127)<<23)
}

// expSumGo writes e^(x[i]-shift) into out and returns their sum.
func expSumGo(out, x []float32, shift float32) float32 {
	out = out[:len(x)]
	var s0, s1 float32
	i := 0
	for ; i+2 <= len(x); i += 2 {
		e0, e1 := exp32(x[i]-shift), exp32(x[i+1]-shift)
		out[i], out[i+1] = e0, e1
		s0 += e0
		s1 += e1
	}
	for ; i < len(x); i++ {
		e := exp32(x[i] - shift)
		out[i] = e
		s0 += e
	}
	return s0 + s1
}

// maxGo is the largest element of x, or -Inf for an empty x.
func maxGo(x []float32) float32 {
	m := float32(math.Inf(-1))
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	return m
}

// scaleGo multiplies x by alpha in place.
func scaleGo(alpha float32, x []float32) {
	for i := range x {
		x[i] *= alpha
	}
}

// softmaxBackwardRowGo sets d[u] = a[u]·(d[u] - mean)·s: the gradient of a
// softmax's input from the gradient d of its output a, where mean is Σ a·d,
// scaled by s.
func softmaxBackwardRowGo(d, a []float32, mean, s float32) {
	d = d[:len(a)]
	for u, p := range a {
		d[u] = p * (d[u] - mean) * s
	}
}
