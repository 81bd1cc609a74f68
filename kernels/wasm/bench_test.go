//go:build js && wasm

package wasm_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tutor-dev/tutor/kernels/wasm"
	"github.com/tutor-dev/tutor/model/quant"
)

// The student's matrix products at one sentence of 32 and 128 positions:
// the attention's qkv, the MLP's fc and the language-modelling head.
var benchShapes = []struct{ R, C, OC int }{
	{32, 256, 768}, {32, 256, 1024}, {32, 1024, 256}, {32, 256, 8192}, {128, 256, 8192},
}

// warmUp calls f untimed for a while: V8 compiles hot wasm functions with
// its optimizing tier in the background, after some time in the baseline
// tier, and the clock should start after that.
func warmUp(f func()) {
	for start := time.Now(); time.Since(start) < 500*time.Millisecond; {
		f()
	}
}

// BenchmarkInt8Matmul and BenchmarkMatmul time the SIMD128 kernels under
// Node.js; GOP/s counts a multiply and an add as two operations:
//
//	GOOS=js GOARCH=wasm go test -exec "$PWD/kernels/wasm/node/go_js_wasm_exec" -run XXX -bench . ./kernels/wasm
func BenchmarkInt8Matmul(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range benchShapes {
		b.Run(fmt.Sprintf("simd128/%dx%dx%d", s.R, s.C, s.OC), func(b *testing.B) {
			w, err := quant.QuantizeMatrix(randoms(r, s.OC*s.C, 0.2), s.OC, s.C, 32)
			if err != nil {
				b.Fatal(err)
			}
			inp, out := randoms(r, s.R*s.C, 1), make([]float32, s.R*s.OC)
			warmUp(func() { wasm.Int8MatmulForward(out, inp, w.Q, w.Scales, nil, s.R, s.C, s.OC, w.Group) })
			for b.Loop() {
				wasm.Int8MatmulForward(out, inp, w.Q, w.Scales, nil, s.R, s.C, s.OC, w.Group)
			}
			b.ReportMetric(2*float64(s.R*s.C*s.OC)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
		})
	}
}

func BenchmarkMatmul(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, s := range benchShapes {
		b.Run(fmt.Sprintf("simd128/%dx%dx%d", s.R, s.C, s.OC), func(b *testing.B) {
			inp, w, out := randoms(r, s.R*s.C, 1), randoms(r, s.OC*s.C, 1), make([]float32, s.R*s.OC)
			warmUp(func() { wasm.MatmulForward(out, inp, w, nil, 1, s.R, s.C, s.OC) })
			for b.Loop() {
				wasm.MatmulForward(out, inp, w, nil, 1, s.R, s.C, s.OC)
			}
			b.ReportMetric(2*float64(s.R*s.C*s.OC)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
