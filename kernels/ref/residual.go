package ref

// ResidualForward adds two streams element by element.
// out is (N), inp1 is (N), inp2 is (N).
func ResidualForward(out, inp1, inp2 []float32, N int) {
	dims(N)
	need(out, N)
	need(inp1, N)
	need(inp2, N)
	for i := range N {
		out[i] = inp1[i] + inp2[i]
	}
}

// ResidualBackward adds dout into both inputs' gradients.
// dinp1 is (N), dinp2 is (N), dout is (N).
func ResidualBackward(dinp1, dinp2, dout []float32, N int) {
	dims(N)
	need(dinp1, N)
	need(dinp2, N)
	need(dout, N)
	for i := range N {
		dinp1[i] += dout[i]
		dinp2[i] += dout[i]
	}
}
