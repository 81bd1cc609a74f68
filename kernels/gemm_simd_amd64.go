//go:build goexperiment.simd

package kernels

import "simd/archsimd"

// The SIMD micro-kernels, written with simd/archsimd (GOEXPERIMENT=simd).
//
// Their tile shapes are set by what Go's register allocator does with vector
// code today rather than by the hardware's 32 vector registers: loop-carried
// vectors stay in 15 registers, and VFMADD213 overwrites its multiplicand,
// so each FMA costs a register copy. Tiles of eight accumulators (4×32 with
// 512-bit vectors, 4×16 with 256-bit ones) fit with room for the copies;
// twelve or more spilled inside the loop and ran at half the speed or worse
// when measured.

var (
	avx512Kernel = microKernel{name: "avx512-4x32", nr: 32, fn: avx512MicroKernel4x32}
	avx2Kernel   = microKernel{name: "avx2-4x16", nr: 16, fn: avx2MicroKernel4x16}
)

func init() {
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		microKernels = append(microKernels, avx2Kernel)
		gemmKernel = avx2Kernel
	}
	if archsimd.X86.AVX512() {
		microKernels = append(microKernels, avx512Kernel)
		gemmKernel = avx512Kernel
	}
}

// avx512MicroKernel4x32 adds the product of four rows of A and a strip of
// 32 columns of B into a 4×32 tile of C: each C row is two 16-lane
// accumulators, fed by a broadcast of one A value and the two B vectors of
// the same step.
func avx512MicroKernel4x32(a0, a1, a2, a3, b []float32, ldb int, c []float32, ldc int) {
	var c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x16
	a1, a2, a3 = a1[:len(a0)], a2[:len(a0)], a3[:len(a0)]
	for p := range a0 {
		bp := b[p*ldb : p*ldb+32]
		b0 := archsimd.LoadFloat32x16Slice(bp[0:16])
		b1 := archsimd.LoadFloat32x16Slice(bp[16:32])
		x := archsimd.BroadcastFloat32x16(a0[p])
		c00 = b0.MulAdd(x, c00)
		c01 = b1.MulAdd(x, c01)
		x = archsimd.BroadcastFloat32x16(a1[p])
		c10 = b0.MulAdd(x, c10)
		c11 = b1.MulAdd(x, c11)
		x = archsimd.BroadcastFloat32x16(a2[p])
		c20 = b0.MulAdd(x, c20)
		c21 = b1.MulAdd(x, c21)
		x = archsimd.BroadcastFloat32x16(a3[p])
		c30 = b0.MulAdd(x, c30)
		c31 = b1.MulAdd(x, c31)
	}
	addRow16x2(c[0:32], c00, c01)
	addRow16x2(c[ldc:ldc+32], c10, c11)
	addRow16x2(c[2*ldc:2*ldc+32], c20, c21)
	addRow16x2(c[3*ldc:3*ldc+32], c30, c31)
}

func addRow16x2(row []float32, lo, hi archsimd.Float32x16) {
	lo.Add(archsimd.LoadFloat32x16Slice(row[0:16])).StoreSlice(row[0:16])
	hi.Add(archsimd.LoadFloat32x16Slice(row[16:32])).StoreSlice(row[16:32])
}

// avx2MicroKernel4x16 is avx512MicroKernel4x32 with 8-lane vectors, for
// CPUs with AVX2 and FMA but no AVX-512.
func avx2MicroKernel4x16(a0, a1, a2, a3, b []float32, ldb int, c []float32, ldc int) {
	var c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x8
	a1, a2, a3 = a1[:len(a0)], a2[:len(a0)], a3[:len(a0)]
	for p := range a0 {
		bp := b[p*ldb : p*ldb+16]
		b0 := archsimd.LoadFloat32x8Slice(bp[0:8])
		b1 := archsimd.LoadFloat32x8Slice(bp[8:16])
		x := archsimd.BroadcastFloat32x8(a0[p])
		c00 = b0.MulAdd(x, c00)
		c01 = b1.MulAdd(x, c01)
		x = archsimd.BroadcastFloat32x8(a1[p])
		c10 = b0.MulAdd(x, c10)
		c11 = b1.MulAdd(x, c11)
		x = archsimd.BroadcastFloat32x8(a2[p])
		c20 = b0.MulAdd(x, c20)
		c21 = b1.MulAdd(x, c21)
		x = archsimd.BroadcastFloat32x8(a3[p])
		c30 = b0.MulAdd(x, c30)
		c31 = b1.MulAdd(x, c31)
	}
	addRow8x2(c[0:16], c00, c01)
	addRow8x2(c[ldc:ldc+16], c10, c11)
	addRow8x2(c[2*ldc:2*ldc+16], c20, c21)
	addRow8x2(c[3*ldc:3*ldc+16], c30, c31)
}

func addRow8x2(row []float32, lo, hi archsimd.Float32x8) {
	lo.Add(archsimd.LoadFloat32x8Slice(row[0:8])).StoreSlice(row[0:8])
	hi.Add(archsimd.LoadFloat32x8Slice(row[8:16])).StoreSlice(row[8:16])
}
