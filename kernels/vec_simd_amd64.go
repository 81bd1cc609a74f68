//go:build goexperiment.simd

package kernels

import (
	"math"
	"simd/archsimd"
)

// AVX-512 versions of the vector routines in vec.go and of the GELU loops,
// used when the CPU has AVX-512 (hasAVX512); otherwise they fall back to
// the portable code. A last partial vector is loaded and stored with masks
// (the ...SlicePart functions), which matters for attention's short rows.

var hasAVX512 = archsimd.X86.AVX512()

// tail is a mask of the first n lanes (0 < n < 16).
func tail(n int) archsimd.Mask32x16 { return archsimd.Mask32x16FromBits(uint16(1)<<n - 1) }

func dot(a, b []float32) float32 {
	if !hasAVX512 {
		return dotGo(a, b)
	}
	b = b[:len(a)]
	var s0, s1 archsimd.Float32x16
	i := 0
	for ; i+32 <= len(a); i += 32 {
		s0 = archsimd.LoadFloat32x16Slice(a[i:i+16]).MulAdd(archsimd.LoadFloat32x16Slice(b[i:i+16]), s0)
		s1 = archsimd.LoadFloat32x16Slice(a[i+16:i+32]).MulAdd(archsimd.LoadFloat32x16Slice(b[i+16:i+32]), s1)
	}
	for ; i < len(a); i += 16 { // the last vector may be partial: zeros add nothing
		s0 = archsimd.LoadFloat32x16SlicePart(a[i:]).MulAdd(archsimd.LoadFloat32x16SlicePart(b[i:]), s0)
	}
	return sum16(s0.Add(s1))
}

func axpy(alpha float32, x, y []float32) {
	if !hasAVX512 {
		axpyGo(alpha, x, y)
		return
	}
	y = y[:len(x)]
	va := archsimd.BroadcastFloat32x16(alpha)
	i := 0
	for ; i+16 <= len(x); i += 16 {
		yi := y[i : i+16]
		archsimd.LoadFloat32x16Slice(x[i:i+16]).MulAdd(va, archsimd.LoadFloat32x16Slice(yi)).StoreSlice(yi)
	}
	if i < len(x) {
		archsimd.LoadFloat32x16SlicePart(x[i:]).MulAdd(va, archsimd.LoadFloat32x16SlicePart(y[i:])).StoreSlicePart(y[i:])
	}
}

func scale(alpha float32, x []float32) {
	if !hasAVX512 {
		scaleGo(alpha, x)
		return
	}
	va := archsimd.BroadcastFloat32x16(alpha)
	i := 0
	for ; i+16 <= len(x); i += 16 {
		xi := x[i : i+16]
		archsimd.LoadFloat32x16Slice(xi).Mul(va).StoreSlice(xi)
	}
	if i < len(x) {
		archsimd.LoadFloat32x16SlicePart(x[i:]).Mul(va).StoreSlicePart(x[i:])
	}
}

func maxOf(x []float32) float32 {
	if !hasAVX512 || len(x) == 0 {
		return maxGo(x)
	}
	negInf := archsimd.BroadcastFloat32x16(float32(math.Inf(-1)))
	m := negInf
	i := 0
	for ; i+16 <= len(x); i += 16 {
		m = m.Max(archsimd.LoadFloat32x16Slice(x[i : i+16]))
	}
	if i < len(x) {
		m = m.Max(archsimd.LoadFloat32x16SlicePart(x[i:]).Merge(negInf, tail(len(x)-i)))
	}
	var lanes [16]float32
	m.Store(&lanes)
	return maxGo(lanes[:])
}

func expSum(out, x []float32, shift float32) float32 {
	if !hasAVX512 {
		return expSumGo(out, x, shift)
	}
	out = out[:len(x)]
	vs := archsimd.BroadcastFloat32x16(shift)
	var acc archsimd.Float32x16
	i := 0
	for ; i+16 <= len(x); i += 16 {
		e := exp16(archsimd.LoadFloat32x16Slice(x[i : i+16]).Sub(vs))
		e.StoreSlice(out[i : i+16])
		acc = acc.Add(e)
	}
	if i < len(x) {
		e := exp16(archsimd.LoadFloat32x16SlicePart(x[i:]).Sub(vs)).Masked(tail(len(x) - i))
		e.StoreSlicePart(out[i:])
		acc = acc.Add(e)
	}
	return sum16(acc)
}

func softmaxBackwardRow(d, a []float32, mean, s float32) {
	if !hasAVX512 {
		softmaxBackwardRowGo(d, a, mean, s)
		return
	}
	d = d[:len(a)]
	vm, vs := archsimd.BroadcastFloat32x16(mean), archsimd.BroadcastFloat32x16(s)
	i := 0
	for ; i+16 <= len(a); i += 16 {
		di := d[i : i+16]
		archsimd.LoadFloat32x16Slice(di).Sub(vm).Mul(archsimd.LoadFloat32x16Slice(a[i : i+16])).Mul(vs).StoreSlice(di)
	}
	if i < len(a) {
		archsimd.LoadFloat32x16SlicePart(d[i:]).Sub(vm).Mul(archsimd.LoadFloat32x16SlicePart(a[i:])).Mul(vs).StoreSlicePart(d[i:])
	}
}

// exp16 is exp32 on 16 lanes: the same reduction and polynomial, with
// VSCALEF applying 2^n. Inputs are clamped to [expMin-1, expMax+1] first so
// that the reduction stays exact; beyond that range VSCALEF itself gives
// zero or infinity.
func exp16(x archsimd.Float32x16) archsimd.Float32x16 {
	x = x.Max(archsimd.BroadcastFloat32x16(expMin - 1)).Min(archsimd.BroadcastFloat32x16(expMax + 1))
	n := x.Mul(archsimd.BroadcastFloat32x16(log2e)).RoundToEvenScaled(0)
	r := n.MulAdd(archsimd.BroadcastFloat32x16(-ln2Hi), x)
	r = n.MulAdd(archsimd.BroadcastFloat32x16(-ln2Lo), r)
	p := archsimd.BroadcastFloat32x16(1.0 / 5040)
	p = p.MulAdd(r, archsimd.BroadcastFloat32x16(1.0/720))
	p = p.MulAdd(r, archsimd.BroadcastFloat32x16(1.0/120))
	p = p.MulAdd(r, archsimd.BroadcastFloat32x16(1.0/24))
	p = p.MulAdd(r, archsimd.BroadcastFloat32x16(1.0/6))
	p = p.MulAdd(r, archsimd.BroadcastFloat32x16(0.5))
	p = p.MulAdd(r, archsimd.BroadcastFloat32x16(1))
	p = p.MulAdd(r, archsimd.BroadcastFloat32x16(1))
	return p.Scale(n)
}

// sum16 adds the 16 lanes of v.
func sum16(v archsimd.Float32x16) float32 {
	h := v.GetLo().Add(v.GetHi())
	q := h.GetLo().Add(h.GetHi())
	q = q.AddPairs(q)
	q = q.AddPairs(q)
	return q.GetElem(0)
}

// geluSigmoid16 is sigmoid(2u) for u = sqrt(2/π)·(x + 0.044715·x³), which
// equals (1 + tanh(u))/2, together with du/dx.
func geluSigmoid16(x archsimd.Float32x16) (s, du archsimd.Float32x16) {
	one := archsimd.BroadcastFloat32x16(1)
	x2 := x.Mul(x)
	inner := x2.MulAdd(archsimd.BroadcastFloat32x16(geluCubic), one) // 1 + 0.044715·x²
	u := x.Mul(inner).Mul(archsimd.BroadcastFloat32x16(geluK))
	s = one.Div(one.Add(exp16(u.Mul(archsimd.BroadcastFloat32x16(-2)))))
	du = x2.MulAdd(archsimd.BroadcastFloat32x16(3*geluCubic), one).Mul(archsimd.BroadcastFloat32x16(geluK))
	return s, du
}

func geluForwardRange(out, inp []float32) {
	if !hasAVX512 {
		geluForwardGo(out, inp)
		return
	}
	out = out[:len(inp)]
	for i := 0; i < len(inp); i += 16 {
		x := archsimd.LoadFloat32x16SlicePart(inp[i:])
		s, _ := geluSigmoid16(x)
		x.Mul(s).StoreSlicePart(out[i:])
	}
}

func geluBackwardRange(dinp, inp, dout []float32) {
	if !hasAVX512 {
		geluBackwardGo(dinp, inp, dout)
		return
	}
	dinp, dout = dinp[:len(inp)], dout[:len(inp)]
	one := archsimd.BroadcastFloat32x16(1)
	two := archsimd.BroadcastFloat32x16(2)
	for i := 0; i < len(inp); i += 16 {
		x := archsimd.LoadFloat32x16SlicePart(inp[i:])
		s, du := geluSigmoid16(x)
		// d/dx x·s(2u) = s + x·s·(1-s)·2·du/dx
		grad := x.Mul(s).Mul(one.Sub(s)).Mul(two).MulAdd(du, s)
		d := dinp[i:]
		grad.MulAdd(archsimd.LoadFloat32x16SlicePart(dout[i:]), archsimd.LoadFloat32x16SlicePart(d)).StoreSlicePart(d)
	}
}
