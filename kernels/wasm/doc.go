// Package wasm reaches the browser engine's SIMD128 kernels from Go.
//
// The kernels are C (src/kernels.c) compiled by clang to a second
// WebAssembly module, kernels.wasm, which build.sh places next to the
// engine. That module imports the Go program's own linear memory, and the
// Go program imports the kernels' functions (//go:wasmimport tutorkernels
// ...), so a kernel reads the weights and activations where Go keeps them:
// nothing is copied per call, and the weights never leave Go's heap. The
// JavaScript that starts the engine (app/web/infer-worker.js) instantiates
// the Go module with the tutorkernels imports bound to the kernel module,
// then the kernel module with the Go module's memory; kernels/wasm/node
// does the same for `go test` under Node.
//
// The kernels own no memory: each call gets its scratch from Go. They are
// the forward ops that take the time of inference: the int8 and float
// matrix products (the int8 one bit for bit as package quant computes it),
// attention, GELU and LayerNorm. The rest (embedding, residual adds) run as
// package kernels' portable Go. Relaxed SIMD's int8 dot products are not
// used: exact only for a 7-bit operand, they need two dots per product for
// the model's [-127, 127] inputs, and measured no faster (docs/ENGINE.md).
//
// Outside GOOS=js GOARCH=wasm the package is empty. It imports nothing of
// the project; it must not import model or app.
package wasm
