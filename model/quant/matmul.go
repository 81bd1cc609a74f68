package quant

import "github.com/tutor-dev/tutor/model"

// Int8Ops is base with its matrix product replaced by one that computes
// the products with m's quantized matrices (mats, by tensor name) in
// int8: each input row is quantized with its own scale and the sums run
// in int32, as wasm SIMD's int8 dot products compute them. Products with
// any other weight (the heads) go to base's float product. The table
// belongs to m: it keeps one row of scratch, and m is not safe for
// concurrent use anyway.
func Int8Ops(base *model.Ops, m *model.Model, mats map[string]*Matrix) *model.Ops {
	k := &int8Matmul{base: base.MatmulForward, kernel: base.Int8MatmulForward, byWeights: map[*float32]*Matrix{}}
	width := 0
	for _, t := range m.Params.Tensors {
		if q := mats[t.Name]; q != nil {
			// The model passes its weight views to the product; their
			// first element identifies the matrix.
			k.byWeights[&t.Of(m.Params.Data)[0]] = q
			width = max(width, q.Cols)
		}
	}
	k.row = make([]int8, width)
	ops := *base
	ops.Name = base.Name + "+int8"
	ops.MatmulForward = k.forward
	return &ops
}

type int8Matmul struct {
	base      func(out, inp, weight, bias []float32, B, T, C, OC int)
	kernel    func(out, inp []float32, q []int8, scales, bias []float32, R, C, OC, G int) // nil: Int8RowProduct
	byWeights map[*float32]*Matrix
	row       []int8 // (C) the current input row, quantized
}

// forward is MatmulForward: out (B,T,OC) = inp (B,T,C) · weightᵀ (OC,C)
// + bias (OC), bias may be nil.
func (k *int8Matmul) forward(out, inp, weight, bias []float32, B, T, C, OC int) {
	w := k.byWeights[&weight[0]]
	if w == nil || w.Cols != C || w.Rows != OC {
		k.base(out, inp, weight, bias, B, T, C, OC)
		return
	}
	if k.kernel != nil {
		k.kernel(out, inp, w.Q, w.Scales, bias, B*T, C, OC, w.Group)
		return
	}
	xq := k.row[:C]
	for r := range B * T {
		sx := QuantizeRow(xq, inp[r*C:(r+1)*C])
		Int8RowProduct(out[r*OC:(r+1)*OC], xq, sx, w, bias)
	}
}

// QuantizeRow writes round(x/sx) into xq and returns sx = max|x|/127,
// the dynamic symmetric quantization of one activation row. A row of
// zeros gets scale 0.
func QuantizeRow(xq []int8, x []float32) float32 {
	return quantizeGroup(xq, x)
}

// Int8RowProduct computes one output row: out[j] = sx · Σ_g s[j,g] ·
// Σ_{k in g} xq[k]·q[j,k] + bias[j], each group's sum exact in int32
// (at most 64·127·127 per group, far from overflow).
func Int8RowProduct(out []float32, xq []int8, sx float32, w *Matrix, bias []float32) {
	G, groups := w.Group, w.Groups()
	for j := range w.Rows {
		wq := w.Q[j*w.Cols : (j+1)*w.Cols]
		ws := w.Scales[j*groups : (j+1)*groups]
		acc := float32(0)
		for g, s := range ws {
			// float32(...) around the product keeps the compiler from
			// fusing it with the add (GOAMD64=v3, arm64): every engine
			// rounds the product first.
			acc += float32(s * float32(dotInt8(xq[g*G:(g+1)*G], wq[g*G:(g+1)*G])))
		}
		v := float32(sx * acc)
		if bias != nil {
			v += bias[j]
		}
		out[j] = v
	}
}

func dotInt8(a, b []int8) int32 {
	b = b[:len(a)]
	var s int32
	for i, x := range a {
		s += int32(x) * int32(b[i])
	}
	return s
}
