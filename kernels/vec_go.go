//go:build !(goexperiment.simd && amd64)

package kernels

// Builds without SIMD use the portable vector routines directly.

func dot(a, b []float32) float32                         { return dotGo(a, b) }
func axpy(alpha float32, x, y []float32)                 { axpyGo(alpha, x, y) }
func expSum(out, x []float32, shift float32) float32     { return expSumGo(out, x, shift) }
func maxOf(x []float32) float32                          { return maxGo(x) }
func scale(alpha float32, x []float32)                   { scaleGo(alpha, x) }
func geluForwardRange(out, inp []float32)                { geluForwardGo(out, inp) }
func geluBackwardRange(dinp, inp, dout []float32)        { geluBackwardGo(dinp, inp, dout) }
func softmaxBackwardRow(d, a []float32, mean, s float32) { softmaxBackwardRowGo(d, a, mean, s) }
func layerNormRow(out, x, weight, bias []float32) (mean, rstd float32) {
	return layerNormRowGo(out, x, weight, bias)
}

func fillConst(dst []float32, v float32) { fillConstGo(dst, v) }
func storeColumns4(c []float32, ldc int, s0, s1, s2, s3 []float32) {
	storeColumns4Go(c, ldc, s0, s1, s2, s3)
}

func storeLines(c []float32, ldc int, buf []float32, n int) { storeLinesGo(c, ldc, buf, n) }
