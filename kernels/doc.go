// Package kernels holds the fast CPU versions of the ops in kernels/ref, with
// the same names, signatures and contracts (shapes, += into gradients,
// panics on bad dimensions). Read the reference for what an op computes; this
// package is about how fast it computes it.
//
// How the speed is found:
//
//   - Matrix products (the matmul ops, which take nearly all of a training
//     step) go through one packed, cache-blocked product (gemm.go): both
//     operands are copied once into panels that the innermost loop reads
//     contiguously, and a register-tiled micro-kernel computes an MR×NR
//     block of the result at a time.
//   - Work is spread over a small persistent pool of goroutines, one per
//     GOMAXPROCS (pool.go). Dispatch does not allocate, so the benchmarks
//     report 0 allocs/op; ops run one at a time on the pool, and concurrent
//     callers wait their turn.
//   - The pure-Go micro-kernel always builds and is what GOOS=js GOARCH=wasm
//     and other architectures get. Built with GOEXPERIMENT=simd on amd64,
//     files tagged goexperiment.simd add AVX-512 and AVX2 micro-kernels
//     written with simd/archsimd and pick one at start-up from the CPU's
//     features.
//   - Elementwise ops (GELU, softmax) use a float32 exponential that is
//     accurate to a few units in the last place instead of math.Exp in
//     float64; the parity tests' tolerances say how far that moves results.
//
// This package may import kernels/ref (for its constants) and the standard
// library; it must not import the model, the server or anything with I/O.
package kernels

import "github.com/tutor-dev/tutor/kernels/ref"

// Panic messages, shared with the reference so that callers and tests see
// the same text from either implementation.
const (
	ErrDimension   = ref.ErrDimension
	ErrToken       = ref.ErrToken
	ErrTarget      = ref.ErrTarget
	ErrValidLength = ref.ErrValidLength
	ErrStep        = ref.ErrStep
)

// IgnoreIndex is the target value that the cross-entropy ops skip.
const IgnoreIndex = ref.IgnoreIndex

// LayerNormEps is the variance floor of LayerNorm, as in the reference.
const LayerNormEps = ref.LayerNormEps

// dims panics with ErrDimension unless every dimension is non-negative.
func dims(a, b, c, d int) {
	if a < 0 || b < 0 || c < 0 || d < 0 {
		panic(ErrDimension)
	}
}

// need panics with ErrDimension if s holds fewer than n elements.
func need(s []float32, n int) {
	if len(s) < n {
		panic(ErrDimension)
	}
}
