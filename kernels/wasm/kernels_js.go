//go:build js && wasm

package wasm

import (
	"fmt"
	"unsafe"
)

//go:wasmimport tutorkernels i8_matmul
func i8Matmul(out, inp, xq, sx, q, scales, bias unsafe.Pointer, R, C, OC, G int32)

//go:wasmimport tutorkernels f32_matmul
func f32Matmul(out, inp, weight, bias unsafe.Pointer, R, C, OC int32)

// scratch holds the quantized input rows of Int8MatmulForward between
// calls. The kernels run to completion without yielding to the Go
// scheduler, so one buffer serves every caller.
var scratch struct {
	xq []int16
	sx []float32
}

// packedMatrix is an int8 matrix in the layout the kernel reads (see
// src/kernels.c): columns in blocks of 4, each pair of inputs of a block's
// columns in 8 consecutive bytes, and the scales 4 per block and group.
type packedMatrix struct {
	q      []int8
	scales []float32
}

// packed holds the packed form of each matrix the kernel has seen, by its
// first weight's address: a model's matrices are packed at their first
// product and reused until ForgetPacked.
var packed = map[*int8]*packedMatrix{}

// ForgetPacked drops the packed matrices, for when the model they belong
// to is replaced.
func ForgetPacked() { clear(packed) }

func pack(q []int8, scales []float32, C, OC, G int) *packedMatrix {
	blocks, groups := (OC+3)/4, C/G
	p := &packedMatrix{q: make([]int8, blocks*4*C), scales: make([]float32, blocks*4*groups)}
	for j := range OC {
		b, c := j/4, j%4
		for k := 0; k < C; k += 2 {
			at := b*4*C + (k/2)*8 + 2*c
			p.q[at], p.q[at+1] = q[j*C+k], q[j*C+k+1]
		}
		for g := range groups {
			p.scales[(b*groups+g)*4+c] = scales[j*groups+g]
		}
	}
	return p
}

// Int8MatmulForward is model.Ops.Int8MatmulForward on the SIMD128 kernel:
// out (R,OC) = int8(inp (R,C)) · q (OC,C)ᵀ with per-group scales
// (OC, C/G) + bias (OC, may be nil), the same float32 numbers as package
// quant's Go product. q and scales must not change after the first call
// with them (a model's weights do not), since the kernel reads a packed
// copy.
func Int8MatmulForward(out, inp []float32, q []int8, scales, bias []float32, R, C, OC, G int) {
	if G <= 0 || G%8 != 0 || C%G != 0 {
		panic(fmt.Sprintf("kernels/wasm: group size %d does not divide C=%d in multiples of 8", G, C))
	}
	need(len(out), R*OC, "out")
	need(len(inp), R*C, "inp")
	need(len(q), OC*C, "q")
	need(len(scales), OC*(C/G), "scales")
	if R == 0 || OC == 0 {
		return
	}
	p := packed[&q[0]]
	if p == nil || len(p.q) != (OC+3)/4*4*C {
		p = pack(q, scales, C, OC, G)
		packed[&q[0]] = p
	}
	if len(scratch.xq) < R*C {
		scratch.xq = make([]int16, R*C)
	}
	if len(scratch.sx) < R {
		scratch.sx = make([]float32, R)
	}
	i8Matmul(unsafe.Pointer(&out[0]), unsafe.Pointer(&inp[0]), unsafe.Pointer(&scratch.xq[0]),
		unsafe.Pointer(&scratch.sx[0]), unsafe.Pointer(&p.q[0]), unsafe.Pointer(&p.scales[0]),
		biasPointer(bias, OC), int32(R), int32(C), int32(OC), int32(G))
}

// MatmulForward is kernels.MatmulForward on the SIMD128 kernel:
// out (B,T,OC) = inp (B,T,C) · weight (OC,C)ᵀ + bias (OC, may be nil).
func MatmulForward(out, inp, weight, bias []float32, B, T, C, OC int) {
	R := B * T
	need(len(out), R*OC, "out")
	need(len(inp), R*C, "inp")
	need(len(weight), OC*C, "weight")
	if R == 0 || OC == 0 || C == 0 {
		if R > 0 && OC > 0 {
			for r := range R {
				for j := range OC {
					out[r*OC+j] = biasAt(bias, j)
				}
			}
		}
		return
	}
	f32Matmul(unsafe.Pointer(&out[0]), unsafe.Pointer(&inp[0]), unsafe.Pointer(&weight[0]),
		biasPointer(bias, OC), int32(R), int32(C), int32(OC))
}

func biasPointer(bias []float32, OC int) unsafe.Pointer {
	if bias == nil {
		return nil
	}
	need(len(bias), OC, "bias")
	return unsafe.Pointer(&bias[0])
}

func biasAt(bias []float32, j int) float32 {
	if bias == nil {
		return 0
	}
	return bias[j]
}

// need panics, as the other kernels do, when a buffer is too short: the
// C kernel would otherwise read or write past it.
func need(have, want int, name string) {
	if have < want {
		panic(fmt.Sprintf("kernels/wasm: %s has %d elements, needs %d", name, have, want))
	}
}

//go:wasmimport tutorkernels gelu
func gelu(out, inp unsafe.Pointer, N int32)

//go:wasmimport tutorkernels attention
func attention(out, att, qkv unsafe.Pointer, T, C, NH, n int32, causal bool)

// GeluForward is kernels.GeluForward on the SIMD128 kernel: out (N) =
// GELU(inp (N)) with GPT-2's tanh approximation, within float32 rounding
// of the reference.
func GeluForward(out, inp []float32, N int) {
	need(len(out), N, "out")
	need(len(inp), N, "inp")
	if N > 0 {
		gelu(unsafe.Pointer(&out[0]), unsafe.Pointer(&inp[0]), int32(N))
	}
}

// AttentionForward is kernels.AttentionForward on the SIMD128 kernel, with
// the same masks and outputs (the probabilities saved in att).
// out is (B,T,C), att is (B,NH,T,T), qkv is (B,T,3C), valid is (B) or nil.
func AttentionForward(out, att, qkv []float32, valid []int, B, T, C, NH int, causal bool) {
	if NH <= 0 || C%NH != 0 {
		panic(fmt.Sprintf("kernels/wasm: C=%d is not a multiple of NH=%d", C, NH))
	}
	need(len(out), B*T*C, "out")
	need(len(att), B*NH*T*T, "att")
	need(len(qkv), B*T*3*C, "qkv")
	if valid != nil {
		need(len(valid), B, "valid")
	}
	for b := range B {
		n := T
		if valid != nil {
			n = min(max(valid[b], 0), T)
		}
		if T == 0 {
			continue
		}
		attention(unsafe.Pointer(&out[b*T*C]), unsafe.Pointer(&att[b*NH*T*T]), unsafe.Pointer(&qkv[b*T*3*C]),
			int32(T), int32(C), int32(NH), int32(n), causal)
	}
}

//go:wasmimport tutorkernels layernorm
func layernorm(out, mean, rstd, inp, weight, bias unsafe.Pointer, R, C int32)

// LayerNormForward is kernels.LayerNormForward on the SIMD128 kernel.
// out is (B,T,C), mean is (B,T), rstd is (B,T), inp is (B,T,C),
// weight is (C), bias is (C).
func LayerNormForward(out, mean, rstd, inp, weight, bias []float32, B, T, C int) {
	R := B * T
	need(len(out), R*C, "out")
	need(len(mean), R, "mean")
	need(len(rstd), R, "rstd")
	need(len(inp), R*C, "inp")
	need(len(weight), C, "weight")
	need(len(bias), C, "bias")
	if R == 0 || C == 0 {
		return
	}
	layernorm(unsafe.Pointer(&out[0]), unsafe.Pointer(&mean[0]), unsafe.Pointer(&rstd[0]), unsafe.Pointer(&inp[0]),
		unsafe.Pointer(&weight[0]), unsafe.Pointer(&bias[0]), int32(R), int32(C))
}
