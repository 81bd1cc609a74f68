package model

import (
	"github.com/tutor-dev/tutor/kernels"
	"github.com/tutor-dev/tutor/kernels/ref"
)

// Ops is the set of ops the model is computed with. Each field has the
// signature and contract of the function of the same name in kernels/ref
// (shapes, gradients added with +=, panics on bad dimensions). The model
// only ever calls ops through this table, so a test can run the same model
// on the reference and the fast kernels, and a GPU backend can slot in.
type Ops struct {
	Name string

	EncoderForward  func(out []float32, tokens []int32, wte, wpe []float32, B, T, C int)
	EncoderBackward func(dwte, dwpe, dout []float32, tokens []int32, B, T, C int)

	LayerNormForward  func(out, mean, rstd, inp, weight, bias []float32, B, T, C int)
	LayerNormBackward func(dinp, dweight, dbias, dout, inp, weight, mean, rstd []float32, B, T, C int)

	MatmulForward  func(out, inp, weight, bias []float32, B, T, C, OC int)
	MatmulBackward func(dinp, dweight, dbias, dout, inp, weight []float32, B, T, C, OC int)

	AttentionForward  func(out, att, qkv []float32, valid []int, B, T, C, NH int, causal bool)
	AttentionBackward func(dqkv, dout, qkv, att []float32, valid []int, B, T, C, NH int, causal bool)

	GeluForward  func(out, inp []float32, N int)
	GeluBackward func(dinp, inp, dout []float32, N int)

	ResidualForward  func(out, inp1, inp2 []float32, N int)
	ResidualBackward func(dinp1, dinp2, dout []float32, N int)

	SoftmaxCrossEntropyForward  func(losses, probs, logits []float32, targets []int32, B, T, V int) float32
	SoftmaxCrossEntropyBackward func(dlogits, probs []float32, targets []int32, dloss float32, B, T, V int)

	DistillForward  func(losses, probs, gaps, logits, teacher []float32, targets []int32, B, T, V int, temp, alpha float32) float32
	DistillBackward func(dlogits, probs, gaps []float32, targets []int32, dloss float32, B, T, V int, temp, alpha float32)

	AdamWUpdate func(params, grads, m, v []float32, N, step int, lr, beta1, beta2, eps, weightDecay float32)

	// Int8MatmulForward is the product of an int8 model (package quant):
	// out (R,OC) = int8(inp (R,C)) · q (OC,C)ᵀ with per-group scales
	// (OC, C/G) + bias (OC, may be nil), each input row quantized with its
	// own scale, bit for bit as quant.Int8RowProduct computes it. nil
	// means package quant's Go product; the browser's engine sets its
	// SIMD128 kernel.
	Int8MatmulForward func(out, inp []float32, q []int8, scales, bias []float32, R, C, OC, G int)
}

// RefOps computes with the readable reference ops of kernels/ref.
var RefOps = &Ops{
	Name:                        "ref",
	EncoderForward:              ref.EncoderForward,
	EncoderBackward:             ref.EncoderBackward,
	LayerNormForward:            ref.LayerNormForward,
	LayerNormBackward:           ref.LayerNormBackward,
	MatmulForward:               ref.MatmulForward,
	MatmulBackward:              ref.MatmulBackward,
	AttentionForward:            ref.AttentionForward,
	AttentionBackward:           ref.AttentionBackward,
	GeluForward:                 ref.GeluForward,
	GeluBackward:                ref.GeluBackward,
	ResidualForward:             ref.ResidualForward,
	ResidualBackward:            ref.ResidualBackward,
	SoftmaxCrossEntropyForward:  ref.SoftmaxCrossEntropyForward,
	SoftmaxCrossEntropyBackward: ref.SoftmaxCrossEntropyBackward,
	DistillForward:              ref.DistillForward,
	DistillBackward:             ref.DistillBackward,
	AdamWUpdate:                 ref.AdamWUpdate,
}

// FastOps computes with the fast CPU ops of package kernels. It is the
// default.
var FastOps = &Ops{
	Name:                        "fast",
	EncoderForward:              kernels.EncoderForward,
	EncoderBackward:             kernels.EncoderBackward,
	LayerNormForward:            kernels.LayerNormForward,
	LayerNormBackward:           kernels.LayerNormBackward,
	MatmulForward:               kernels.MatmulForward,
	MatmulBackward:              kernels.MatmulBackward,
	AttentionForward:            kernels.AttentionForward,
	AttentionBackward:           kernels.AttentionBackward,
	GeluForward:                 kernels.GeluForward,
	GeluBackward:                kernels.GeluBackward,
	ResidualForward:             kernels.ResidualForward,
	ResidualBackward:            kernels.ResidualBackward,
	SoftmaxCrossEntropyForward:  kernels.SoftmaxCrossEntropyForward,
	SoftmaxCrossEntropyBackward: kernels.SoftmaxCrossEntropyBackward,
	// Distillation only ever scores a tagging or classification head's
	// few logits a position, next to which the body's matmuls are
	// everything: the reference op is fast enough.
	DistillForward:  ref.DistillForward,
	DistillBackward: ref.DistillBackward,
	AdamWUpdate:     kernels.AdamWUpdate,

	Int8MatmulForward: kernels.Int8MatmulForward,
}
