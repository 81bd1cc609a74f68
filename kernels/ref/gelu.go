package ref

import "math"

// geluScale is sqrt(2/π), the constant of GELU's tanh approximation.
var geluScale = math.Sqrt(2 / math.Pi)

// GeluForward applies GELU with the tanh approximation used by GPT-2:
// gelu(x) = x/2 · (1 + tanh(sqrt(2/π)·(x + 0.044715·x³))).
// out is (N), inp is (N).
func GeluForward(out, inp []float32, N int) {
	dims(N)
	need(out, N)
	need(inp, N)
	for i, v := range inp[:N] {
		x := float64(v)
		out[i] = float32(0.5 * x * (1 + math.Tanh(geluScale*(x+0.044715*x*x*x))))
	}
}

// GeluBackward adds dout times GELU's derivative at inp into dinp.
// dinp is (N), inp is (N), dout is (N).
func GeluBackward(dinp, inp, dout []float32, N int) {
	dims(N)
	need(dinp, N)
	need(inp, N)
	need(dout, N)
	for i, v := range inp[:N] {
		x := float64(v)
		u := geluScale * (x + 0.044715*x*x*x)
		th := math.Tanh(u)
		sech2 := 1 - th*th
		grad := 0.5*(1+th) + 0.5*x*sech2*geluScale*(1+3*0.044715*x*x)
		dinp[i] += float32(grad * float64(dout[i]))
	}
}
