package ref

import "math"

// LayerNormEps keeps the normalisation finite for a row of equal values.
const LayerNormEps = 1e-5

// LayerNormForward normalises each position's C channels to zero mean and unit
// variance, then scales by weight and shifts by bias. It saves each row's mean
// and reciprocal standard deviation for the backward pass.
// out is (B,T,C), mean is (B,T), rstd is (B,T), inp is (B,T,C),
// weight is (C), bias is (C).
func LayerNormForward(out, mean, rstd, inp, weight, bias []float32, B, T, C int) {
	dims(B, T, C)
	need(out, B*T*C)
	need(mean, B*T)
	need(rstd, B*T)
	need(inp, B*T*C)
	need(weight, C)
	need(bias, C)
	for bt := 0; bt < B*T; bt++ {
		x := inp[bt*C : bt*C+C]
		var sum float64
		for _, v := range x {
			sum += float64(v)
		}
		m := sum / float64(C)
		var ss float64
		for _, v := range x {
			d := float64(v) - m
			ss += d * d
		}
		s := 1 / math.Sqrt(ss/float64(C)+LayerNormEps)
		o := out[bt*C : bt*C+C]
		for i, v := range x {
			n := (float64(v) - m) * s
			o[i] = float32(n*float64(weight[i]) + float64(bias[i]))
		}
		mean[bt] = float32(m)
		rstd[bt] = float32(s)
	}
}

// LayerNormBackward adds the gradients of LayerNormForward's output into
// dinp, dweight and dbias, using the mean and rstd the forward pass saved.
// dinp is (B,T,C), dweight is (C), dbias is (C), dout is (B,T,C),
// inp is (B,T,C), weight is (C), mean is (B,T), rstd is (B,T).
func LayerNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd []float32, B, T, C int) {
	dims(B, T, C)
	need(dinp, B*T*C)
	need(dweight, C)
	need(dbias, C)
	need(dout, B*T*C)
	need(inp, B*T*C)
	need(weight, C)
	need(mean, B*T)
	need(rstd, B*T)
	for bt := 0; bt < B*T; bt++ {
		x := inp[bt*C : bt*C+C]
		d := dout[bt*C : bt*C+C]
		m, s := float64(mean[bt]), float64(rstd[bt])
		// With n = (x-m)*s and dn = dout*weight, the input gradient is
		// s * (dn - mean(dn) - n*mean(dn*n)); the two means come first.
		var dnMean, dnnMean float64
		for i := range x {
			n := (float64(x[i]) - m) * s
			dn := float64(weight[i]) * float64(d[i])
			dnMean += dn
			dnnMean += dn * n
		}
		dnMean /= float64(C)
		dnnMean /= float64(C)
		di := dinp[bt*C : bt*C+C]
		for i := range x {
			n := (float64(x[i]) - m) * s
			dn := float64(weight[i]) * float64(d[i])
			dbias[i] += d[i]
			dweight[i] += float32(n * float64(d[i]))
			di[i] += float32(s * (dn - dnMean - n*dnnMean))
		}
	}
}
