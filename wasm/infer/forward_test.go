//go:build js && wasm

package main

import (
	"fmt"
	"testing"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/engine"
)

// BenchmarkForward times the full forward pass of the student shape
// (logits over the whole vocabulary, B=1) in the engine, under Node.js
// (V8, the engine of Chromium), with the SIMD128 kernels and with package
// kernels' portable Go alone:
//
//	GOOS=js GOARCH=wasm go test -exec "$PWD/kernels/wasm/node/go_js_wasm_exec" -run XXX -bench Forward ./wasm/infer
//
// BenchmarkBrowserForward (app/e2e) times the same in headless Chromium
// next to onnxruntime-web.
func BenchmarkForward(b *testing.B) {
	for _, c := range []struct {
		name, activations string
		ops               *model.Ops
	}{{"simd128-int8", "int8", ops}, {"simd128-f32", "float32", ops}, {"go-int8", "int8", model.FastOps}} {
		bench, err := engine.NewBench("student", c.activations, 1, c.ops)
		if err != nil {
			b.Fatal(err)
		}
		for _, T := range []int{32, 128} {
			b.Run(fmt.Sprintf("%s/T=%d", c.name, T), func(b *testing.B) {
				// V8 compiles hot wasm functions with its optimizing tier
				// in the background: time them once it has.
				for range 10 {
					if _, err := bench.Forward(T); err != nil {
						b.Fatal(err)
					}
				}
				for b.Loop() {
					if _, err := bench.Forward(T); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
