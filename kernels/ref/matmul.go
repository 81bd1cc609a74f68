package ref

// MatmulForward computes out = inp·weightᵀ + bias for every position: each
// of the OC outputs is the dot product of the position's C inputs with one
// row of weight. weight is laid out (OC,C) as in llm.c, so a row of weight
// is what one output channel reads. bias may be nil for no bias.
// out is (B,T,OC), inp is (B,T,C), weight is (OC,C), bias is (OC) or nil.
func MatmulForward(out, inp, weight, bias []float32, B, T, C, OC int) {
	checkMatmul(out, inp, weight, bias, B, T, C, OC)
	for bt := 0; bt < B*T; bt++ {
		x := inp[bt*C : bt*C+C]
		for o := 0; o < OC; o++ {
			w := weight[o*C : o*C+C]
			var sum float64
			if bias != nil {
				sum = float64(bias[o])
			}
			for i, v := range x {
				sum += float64(v) * float64(w[i])
			}
			out[bt*OC+o] = float32(sum)
		}
	}
}

// MatmulBackward adds the gradients of MatmulForward into dinp, dweight and
// dbias: dinp += dout·weight, dweight += doutᵀ·inp, dbias += the sum of dout
// over positions. dbias may be nil (when the forward pass had no bias), and
// either of dweight and dbias may be nil to skip that gradient (a frozen
// weight needs only the gradient that flows down to its input).
// dinp is (B,T,C), dweight is (OC,C) or nil, dbias is (OC) or nil,
// dout is (B,T,OC), inp is (B,T,C), weight is (OC,C).
func MatmulBackward(dinp, dweight, dbias, dout, inp, weight []float32, B, T, C, OC int) {
	checkMatmul(dout, inp, weight, dbias, B, T, C, OC)
	need(dinp, B*T*C)
	if dweight != nil {
		need(dweight, OC*C)
	}
	for bt := 0; bt < B*T; bt++ {
		x := inp[bt*C : bt*C+C]
		dx := dinp[bt*C : bt*C+C]
		for o := 0; o < OC; o++ {
			d := dout[bt*OC+o]
			w := weight[o*C : o*C+C]
			for i := range x {
				dx[i] += w[i] * d
			}
			if dweight != nil {
				dw := dweight[o*C : o*C+C]
				for i := range x {
					dw[i] += x[i] * d
				}
			}
			if dbias != nil {
				dbias[o] += d
			}
		}
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
