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
// twelve or more spill inside the loop and ran at half the speed or worse
// when measured. The summed dimension is unrolled by two, which halves the
// loop's bookkeeping per FMA.

var (
	avx512Kernel = microKernel{name: "avx512-4x32", mr: 4, nr: 32, fn: avx512MicroKernel4x32}
	avx2Kernel   = microKernel{name: "avx2-4x16", mr: 4, nr: 16, fn: avx2MicroKernel4x16}
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

// avx512MicroKernel4x32 adds a (kc×4, k-major) times b (kc×32, k-major) into
// the 4×32 tile of c: each C row is two 16-lane accumulators, fed by a
// broadcast of one A value and the two B vectors of the same k.
func avx512MicroKernel4x32(kc int, a, b, c []float32, ldc int) {
	var c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x16
	a, b = a[:kc*4], b[:kc*32]
	for len(a) >= 8 && len(b) >= 64 {
		b0 := archsimd.LoadFloat32x16Slice(b[0:16])
		b1 := archsimd.LoadFloat32x16Slice(b[16:32])
		x := archsimd.BroadcastFloat32x16(a[0])
		c00 = b0.MulAdd(x, c00)
		c01 = b1.MulAdd(x, c01)
		x = archsimd.BroadcastFloat32x16(a[1])
		c10 = b0.MulAdd(x, c10)
		c11 = b1.MulAdd(x, c11)
		x = archsimd.BroadcastFloat32x16(a[2])
		c20 = b0.MulAdd(x, c20)
		c21 = b1.MulAdd(x, c21)
		x = archsimd.BroadcastFloat32x16(a[3])
		c30 = b0.MulAdd(x, c30)
		c31 = b1.MulAdd(x, c31)
		b0 = archsimd.LoadFloat32x16Slice(b[32:48])
		b1 = archsimd.LoadFloat32x16Slice(b[48:64])
		x = archsimd.BroadcastFloat32x16(a[4])
		c00 = b0.MulAdd(x, c00)
		c01 = b1.MulAdd(x, c01)
		x = archsimd.BroadcastFloat32x16(a[5])
		c10 = b0.MulAdd(x, c10)
		c11 = b1.MulAdd(x, c11)
		x = archsimd.BroadcastFloat32x16(a[6])
		c20 = b0.MulAdd(x, c20)
		c21 = b1.MulAdd(x, c21)
		x = archsimd.BroadcastFloat32x16(a[7])
		c30 = b0.MulAdd(x, c30)
		c31 = b1.MulAdd(x, c31)
		a, b = a[8:], b[64:]
	}
	if len(a) >= 4 && len(b) >= 32 { // odd kc
		b0 := archsimd.LoadFloat32x16Slice(b[0:16])
		b1 := archsimd.LoadFloat32x16Slice(b[16:32])
		x := archsimd.BroadcastFloat32x16(a[0])
		c00 = b0.MulAdd(x, c00)
		c01 = b1.MulAdd(x, c01)
		x = archsimd.BroadcastFloat32x16(a[1])
		c10 = b0.MulAdd(x, c10)
		c11 = b1.MulAdd(x, c11)
		x = archsimd.BroadcastFloat32x16(a[2])
		c20 = b0.MulAdd(x, c20)
		c21 = b1.MulAdd(x, c21)
		x = archsimd.BroadcastFloat32x16(a[3])
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
func avx2MicroKernel4x16(kc int, a, b, c []float32, ldc int) {
	var c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x8
	a, b = a[:kc*4], b[:kc*16]
	for len(a) >= 4 && len(b) >= 16 {
		b0 := archsimd.LoadFloat32x8Slice(b[0:8])
		b1 := archsimd.LoadFloat32x8Slice(b[8:16])
		x := archsimd.BroadcastFloat32x8(a[0])
		c00 = b0.MulAdd(x, c00)
		c01 = b1.MulAdd(x, c01)
		x = archsimd.BroadcastFloat32x8(a[1])
		c10 = b0.MulAdd(x, c10)
		c11 = b1.MulAdd(x, c11)
		x = archsimd.BroadcastFloat32x8(a[2])
		c20 = b0.MulAdd(x, c20)
		c21 = b1.MulAdd(x, c21)
		x = archsimd.BroadcastFloat32x8(a[3])
		c30 = b0.MulAdd(x, c30)
		c31 = b1.MulAdd(x, c31)
		a, b = a[4:], b[16:]
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
