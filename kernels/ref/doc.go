// Package ref holds the reference forward and backward ops of the tutor
// transformer: plain loops over float32 slices with explicit dimensions,
// written to be read and trusted rather than to be fast. Every faster
// implementation (package kernels, the browser and CUDA kernels) is tested
// against these functions.
//
// Conventions, after llm.c:
//
//   - Dimension letters: B batch size, T sequence length, C channels,
//     OC output channels, NH attention heads, V vocabulary size.
//   - Every tensor argument has a shape comment, e.g. "out is (B,T,C)"; tensors
//     are row-major and contiguous in the order written.
//   - Ops are named <Op>Forward and <Op>Backward; gradients carry a d prefix.
//   - Backward ops ADD into their gradient outputs (+=), never overwrite them:
//     a tensor that is used twice (tied embeddings, the residual stream)
//     collects both contributions, and the caller zeroes gradients once per
//     step.
//   - A slice may be longer than its shape needs (so that buffers sized for the
//     longest sequence can be reused for shorter ones); only the leading
//     elements are read or written. A slice that is too short, or a negative
//     dimension, is a programming error and panics with a constant message
//     that starts with "kernels: ".
//   - Sums over many terms (dot products, means, variances, softmax
//     normalisers) accumulate in float64 where the loop is a reduction to one
//     number. That is the easy way to make the reference more accurate than the
//     code it judges; loops that scatter into many outputs (the matmul
//     gradients, the encoder gradients) add in float32 like llm.c does.
//
// This package imports only the standard library's math; it must not import
// package kernels, the model or anything with I/O.
package ref

// ErrDimension is the panic message for a slice that is too short for the
// dimensions passed with it, or a negative dimension.
const ErrDimension = "kernels: dimension mismatch"

// ErrToken is the panic message for a token id outside the embedding table.
const ErrToken = "kernels: token id out of range"

// ErrTarget is the panic message for a target that is neither IgnoreIndex nor
// a valid class in [0,V).
const ErrTarget = "kernels: target out of range"

// ErrValidLength is the panic message for a per-sequence valid length outside
// [0,T].
const ErrValidLength = "kernels: valid length out of range"

// IgnoreIndex is the target value whose position contributes nothing to the
// cross-entropy loss or its gradient (padding, prompt tokens, unmasked
// positions of a masked-language-model batch).
const IgnoreIndex = -1

// dims panics with ErrDimension unless every dimension is non-negative.
func dims(ds ...int) {
	for _, d := range ds {
		if d < 0 {
			panic(ErrDimension)
		}
	}
}

// need panics with ErrDimension if s holds fewer than n elements.
func need(s []float32, n int) {
	if len(s) < n {
		panic(ErrDimension)
	}
}
