//go:build goexperiment.simd

package kernels

import (
	"math"
	"simd/archsimd"
)

// layerNormRow is layerNormRowGo with AVX-512: the two reductions stay in
// float64 (eight lanes at a time, widened from float32), so a row of close
// values keeps its variance's digits; only the order of the additions
// changes. The scale-and-shift pass runs sixteen float32 lanes at a time.
func layerNormRow(out, x, weight, bias []float32) (mean, rstd float32) {
	if !hasAVX512 || len(x) == 0 {
		return layerNormRowGo(out, x, weight, bias)
	}
	n := len(x)
	out, weight, bias = out[:n], weight[:n], bias[:n]
	var s0, s1 archsimd.Float64x8
	i := 0
	for ; i+16 <= n; i += 16 {
		s0 = s0.Add(archsimd.LoadFloat32x8Slice(x[i : i+8]).ConvertToFloat64())
		s1 = s1.Add(archsimd.LoadFloat32x8Slice(x[i+8 : i+16]).ConvertToFloat64())
	}
	for ; i < n; i += 8 { // a partial vector loads zeros, which add nothing
		s0 = s0.Add(archsimd.LoadFloat32x8SlicePart(x[i:]).ConvertToFloat64())
	}
	m := sum8(s0.Add(s1)) / float64(n)
	vm := archsimd.BroadcastFloat64x8(m)
	var q0, q1 archsimd.Float64x8
	i = 0
	for ; i+16 <= n; i += 16 {
		d0 := archsimd.LoadFloat32x8Slice(x[i : i+8]).ConvertToFloat64().Sub(vm)
		d1 := archsimd.LoadFloat32x8Slice(x[i+8 : i+16]).ConvertToFloat64().Sub(vm)
		q0 = d0.MulAdd(d0, q0)
		q1 = d1.MulAdd(d1, q1)
	}
	ss := sum8(q0.Add(q1))
	for j := i; j < n; j++ { // the tail is scalar: a zero lane would add m² here
		d := float64(x[j]) - m
		ss += d * d
	}
	mean = float32(m)
	rstd = float32(1 / math.Sqrt(ss/float64(n)+LayerNormEps))
	normalise16(out, x, weight, bias, mean, rstd)
	return mean, rstd
}

// normalise16 writes (x-mean)·rstd·weight + bias.
func normalise16(out, x, weight, bias []float32, mean, rstd float32) {
	vm := archsimd.BroadcastFloat32x16(mean)
	vr := archsimd.BroadcastFloat32x16(rstd)
	for i := 0; i < len(x); i += 16 {
		v := archsimd.LoadFloat32x16SlicePart(x[i:]).Sub(vm).Mul(vr)
		v = v.Mul(archsimd.LoadFloat32x16SlicePart(weight[i:]))
		v.Add(archsimd.LoadFloat32x16SlicePart(bias[i:])).StoreSlicePart(out[i:])
	}
}

// sum8 adds the eight lanes of v.
func sum8(v archsimd.Float64x8) float64 {
	var lanes [8]float64
	v.Store(&lanes)
	return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
}
