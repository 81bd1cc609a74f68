// Package kernels holds the fast CPU versions of the ops in kernels/ref, with
// the same names, signatures and contracts (shapes, += into gradients,
// panics on bad dimensions). Read the reference for what an op computes; this
// package is about how fast it computes it.
//
// How the speed is found:
//
//   - Matrix products (the matmul ops, which take nearly all of a training
//     step, and attention's per-head products) go through one cache-blocked
//     product (gemm.go) whose register-tiled micro-kernel computes a 4×NR
//     block of the result at a time. Operands are read in place where their
//     layout allows and otherwise copied once into strips that the
//     micro-kernel reads contiguously; with few positions and many outputs
//     (inference) MatmulForward computes the transposed result so that the
//     weights are read in place.
//   - Work is spread over a small persistent pool of goroutines, one per
//     GOMAXPROCS at the first call (pool.go), which watch for the next op
//     for about 250 µs before they sleep. Dispatch does not allocate,
//     so the ops report 0 allocs/op; ops run one at a time on the pool, and
//     concurrent callers wait their turn. The pool keeps its scratch
//     buffers between calls, sized by the largest product so far (for the
//     student's language-model head at B=8, T=128 about 32 MiB, a copy of
//     dout).
//   - The pure-Go micro-kernel always builds and is what GOOS=js GOARCH=wasm
//     and other architectures get. Built with GOEXPERIMENT=simd on amd64,
//     files tagged goexperiment.simd add AVX-512 and AVX2 micro-kernels and
//     AVX-512 vector routines (dot products, softmax rows, GELU) written
//     with simd/archsimd, chosen at start-up from the CPU's features; on
//     AVX-512 the matrix products use a 4×64 micro-kernel in Go assembly
//     (gemm_avx512_amd64.s, same build tag), which keeps sixteen
//     accumulators in registers where compiled archsimd code keeps eight.
//     Its tiles of a transposed result (inference) are transposed in
//     registers and stored a cache line of each column at a time.
//   - Softmax and GELU use a float32 exponential that is within 4e-7
//     relative of math.Exp instead of float64 math; the parity tests'
//     tolerances say how far that and float32 sums move results.
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
