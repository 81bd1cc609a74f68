package kernels

// MatmulForward computes out = inp·weightᵀ + bias, as ref.MatmulForward.
// bias may be nil.
// out is (B,T,OC), inp is (B,T,C), weight is (OC,C), bias is (OC) or nil.
func MatmulForward(out, inp, weight, bias []float32, B, T, C, OC int) {
	checkMatmul(out, inp, weight, bias, B, T, C, OC)
	p := lockPool()
	defer p.unlock()
	BT := B * T
	if BT < OC/2 {
		// Few positions, many outputs (inference, the language-model head):
		// compute outᵀ = weight·inpᵀ, which reads weight's rows in place and
		// copies only inp, rather than copying all of weight transposed.
		gemm(p, product{m: OC, n: BT, k: C, a: operand{weight, C, 1}, b: operand{inp, C, 1},
			c: out, ldc: OC, cTransposed: true, bias: bias}, nil)
		return
	}
	// A = inp (row bt, summed index c), B = weightᵀ (summed c, column o).
	gemm(p, product{m: BT, n: OC, k: C, a: operand{inp, C, 1}, b: operand{weight, C, 1},
		c: out, ldc: OC, bias: bias}, nil)
}

// MatmulBackward adds the gradients of MatmulForward into dinp, dweight and
// dbias, as ref.MatmulBackward. dweight or dbias may be nil to skip that
// gradient; skipping dweight saves a third of the work.
// dinp is (B,T,C), dweight is (OC,C) or nil, dbias is (OC) or nil,
// dout is (B,T,OC), inp is (B,T,C), weight is (OC,C).
func MatmulBackward(dinp, dweight, dbias, dout, inp, weight []float32, B, T, C, OC int) {
	checkMatmul(dout, inp, weight, dbias, B, T, C, OC)
	need(dinp, B*T*C)
	if dweight != nil {
		need(dweight, OC*C)
	}
	p := lockPool()
	defer p.unlock()
	BT := B * T
	// dinp += dout·weight: A = dout (row bt, summed o), B = weight (summed o, column c).
	gemm(p, product{m: BT, n: C, k: OC, a: operand{dout, OC, 1}, b: operand{weight, 1, C},
		c: dinp, ldc: C, accumulate: true}, nil)
	if dweight == nil {
		if dbias != nil {
			sumRows(dbias[:OC], dout, BT, OC)
		}
		return
	}
	// dweight += doutᵀ·inp: A = doutᵀ (row o, summed bt), B = inp (summed bt,
	// column c). Packing doutᵀ reads every element of dout in order of bt,
	// so it also sums dout over positions, which is dbias's gradient.
	var sums []float32
	if dbias != nil {
		sums = p.row(0, OC)
	}
	gemm(p, product{m: OC, n: C, k: BT, a: operand{dout, 1, OC}, b: operand{inp, 1, C},
		c: dweight, ldc: C, accumulate: true}, sums)
	if dbias != nil {
		axpyGo(1, sums, dbias[:OC])
	}
}

// sumRows adds the n rows of x (n,width) into sum, in order of the rows,
// as the packing of doutᵀ sums them.
func sumRows(sum, x []float32, n, width int) {
	for r := range n {
		axpyGo(1, x[r*width:(r+1)*width], sum)
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
