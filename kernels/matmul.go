package kernels

// MatmulForward computes out = inp·weightᵀ + bias, as ref.MatmulForward.
// bias may be nil.
// out is (B,T,OC), inp is (B,T,C), weight is (OC,C), bias is (OC) or nil.
func MatmulForward(out, inp, weight, bias []float32, B, T, C, OC int) {
	checkMatmul(out, inp, weight, bias, B, T, C, OC)
	p := lockPool()
	defer p.unlock()
	// A = inp (row bt, summed index c), B = weightᵀ (summed c, column o).
	gemm(p, B*T, OC, C, operand{inp, C, 1}, operand{weight, C, 1}, out, OC, bias, false, nil)
}

// MatmulBackward adds the gradients of MatmulForward into dinp, dweight and
// dbias, as ref.MatmulBackward. dbias may be nil.
// dinp is (B,T,C), dweight is (OC,C), dbias is (OC) or nil,
// dout is (B,T,OC), inp is (B,T,C), weight is (OC,C).
func MatmulBackward(dinp, dweight, dbias, dout, inp, weight []float32, B, T, C, OC int) {
	checkMatmul(dout, inp, weight, dbias, B, T, C, OC)
	need(dinp, B*T*C)
	need(dweight, OC*C)
	p := lockPool()
	defer p.unlock()
	BT := B * T
	// dinp += dout·weight: A = dout (row bt, summed o), B = weight (summed o, column c).
	gemm(p, BT, C, OC, operand{dout, OC, 1}, operand{weight, 1, C}, dinp, C, nil, true, nil)
	// dweight += doutᵀ·inp: A = doutᵀ (row o, summed bt), B = inp (summed bt,
	// column c). Packing doutᵀ reads every element of dout in order of bt,
	// so it also sums dout over positions, which is dbias's gradient.
	var sums []float32
	if dbias != nil {
		sums = p.row(0, OC)
	}
	gemm(p, OC, C, BT, operand{dout, 1, OC}, operand{inp, 1, C}, dweight, C, nil, true, sums)
	if dbias != nil {
		axpyGo(1, sums, dbias[:OC])
	}
}

func checkMatmul(out, inp, weight, bias []float32, B, T, C, OC int) {
	dims(B, T, C, OC)
	need(out, B*T*OC)
	need(inp, B*T*C)
	need(weight, OC*C)
	if bias != nil {
		need(bias, OC)
	}
}
