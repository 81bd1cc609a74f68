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
// when measured. The compiled 4×32 loop also spends more instructions on
// those copies and on bounds checks than on its eight FMAs.
//
// The kernel in use on AVX-512 is therefore the assembly one
// (gemm_avx512_amd64.s), which has all 32 registers: a 4×64 tile of sixteen
// accumulators that VFMADD231PS adds into in place, each broadcast loaded
// once per step, and the same sums in the same order as the 4×32 kernel.
// Measured on the development machine (Zen 5, one thread, MatmulForward at
// the student's B=8 shapes, GFLOP per CPU-second): 96–108 with the archsimd
// 4×32 kernel, 135–179 with the assembly one. The archsimd kernels stay as
// the AVX2 path and in the parity tests.

var (
	avx512Kernel    = microKernel{name: "avx512-4x32", nr: 32, fn: avx512MicroKernel4x32}
	avx512AsmKernel = microKernel{name: "avx512asm-4x64", nr: 64, fn: avx512MicroKernel4x64, transposed: avx512MicroKernel4x64T}
	avx2Kernel      = microKernel{name: "avx2-4x16", nr: 16, fn: avx2MicroKernel4x16}
)

func init() {
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		microKernels = append(microKernels, avx2Kernel)
		gemmKernel = avx2Kernel
	}
	if archsimd.X86.AVX512() {
		microKernels = append(microKernels, avx512Kernel, avx512AsmKernel)
		gemmKernel = avx512AsmKernel
	}
}

// avx512Tile4x64 is the assembly loop of avx512MicroKernel4x64, on k > 0
// terms; it reads and writes through the pointers unchecked.
//
//go:noescape
func avx512Tile4x64(k int, a0, a1, a2, a3, b *float32, ldb int, c *float32, ldc int)

// avx512MicroKernel4x64 adds the product of four rows of A and a strip of
// 64 columns of B into a 4×64 tile of C. The slicing below checks every
// bound the assembly relies on.
func avx512MicroKernel4x64(a0, a1, a2, a3, b []float32, ldb int, c []float32, ldc int) {
	k := len(a0)
	if k == 0 {
		return
	}
	if ldb < 0 || ldc < 0 {
		panic(ErrDimension)
	}
	a1, a2, a3 = a1[:k], a2[:k], a3[:k]
	_ = b[(k-1)*ldb+63]
	_ = c[3*ldc+63]
	avx512Tile4x64(k, &a0[0], &a1[0], &a2[0], &a3[0], &b[0], ldb, &c[0], ldc)
}

// avx512Tile4x64T is the assembly of avx512MicroKernel4x64T, unchecked.
//
//go:noescape
func avx512Tile4x64T(k int, a0, a1, a2, a3, b *float32, ldb int, c *float32, ldc int, bias *float32, mode int)

// avx512MicroKernel4x64T is avx512MicroKernel4x64 for a tile of a C stored
// transposed, with the tile's set-up done in registers: see
// microKernel.transposed.
func avx512MicroKernel4x64T(a0, a1, a2, a3, b []float32, ldb int, c []float32, ldc int, bias []float32, mode int) {
	k := len(a0)
	if k == 0 || ldb < 0 || ldc < 0 {
		panic(ErrDimension)
	}
	a1, a2, a3 = a1[:k], a2[:k], a3[:k]
	_ = b[(k-1)*ldb+63]
	_ = c[63*ldc+3]
	var bp *float32
	if mode == tileBias {
		bias = bias[:mr]
		bp = &bias[0]
	}
	avx512Tile4x64T(k, &a0[0], &a1[0], &a2[0], &a3[0], &b[0], ldb, &c[0], ldc, bp, mode)
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

// fillConst is fillConstGo sixteen lanes at a time.
func fillConst(dst []float32, v float32) {
	if !hasAVX512 {
		fillConstGo(dst, v)
		return
	}
	vv := archsimd.BroadcastFloat32x16(v)
	i := 0
	for ; i+16 <= len(dst); i += 16 {
		vv.StoreSlice(dst[i : i+16])
	}
	if i < len(dst) {
		vv.StoreSlicePart(dst[i:])
	}
}

// Lane orders for the 4×4 transpose in storeColumns4: the first pair
// interleaves the low or high halves of two rows, the second joins the
// low or high pairs of two interleaved vectors.
var (
	interleaveLo = [4]uint32{0, 4, 1, 5}
	interleaveHi = [4]uint32{2, 6, 3, 7}
	joinLo       = [4]uint32{0, 1, 4, 5}
	joinHi       = [4]uint32{2, 3, 6, 7}
)

// storeColumns4 is storeColumns4Go transposing four columns at a time in
// registers, instead of moving sixteen single floats.
func storeColumns4(c []float32, ldc int, s0, s1, s2, s3 []float32) {
	if !hasAVX512 {
		storeColumns4Go(c, ldc, s0, s1, s2, s3)
		return
	}
	s1, s2, s3 = s1[:len(s0)], s2[:len(s0)], s3[:len(s0)]
	il, ih := archsimd.LoadUint32x4(&interleaveLo), archsimd.LoadUint32x4(&interleaveHi)
	jl, jh := archsimd.LoadUint32x4(&joinLo), archsimd.LoadUint32x4(&joinHi)
	jj := 0
	for ; jj+4 <= len(s0); jj += 4 {
		r0 := archsimd.LoadFloat32x4Slice(s0[jj : jj+4])
		r1 := archsimd.LoadFloat32x4Slice(s1[jj : jj+4])
		r2 := archsimd.LoadFloat32x4Slice(s2[jj : jj+4])
		r3 := archsimd.LoadFloat32x4Slice(s3[jj : jj+4])
		t0, t1 := r0.ConcatPermute(r1, il), r0.ConcatPermute(r1, ih) // a0 b0 a1 b1, a2 b2 a3 b3
		u0, u1 := r2.ConcatPermute(r3, il), r2.ConcatPermute(r3, ih) // c0 d0 c1 d1, c2 d2 c3 d3
		t0.ConcatPermute(u0, jl).StoreSlice(c[jj*ldc:][:4])
		t0.ConcatPermute(u0, jh).StoreSlice(c[(jj+1)*ldc:][:4])
		t1.ConcatPermute(u1, jl).StoreSlice(c[(jj+2)*ldc:][:4])
		t1.ConcatPermute(u1, jh).StoreSlice(c[(jj+3)*ldc:][:4])
	}
	if jj < len(s0) {
		storeColumns4Go(c[jj*ldc:], ldc, s0[jj:], s1[jj:], s2[jj:], s3[jj:])
	}
}

// storeLines is storeLinesGo a column of sixteen floats at a time.
func storeLines(c []float32, ldc int, buf []float32, n int) {
	if lineRows != 16 || !hasAVX512 {
		storeLinesGo(c, ldc, buf, n)
		return
	}
	for x := range n {
		archsimd.LoadFloat32x16Slice(buf[x*16 : x*16+16]).StoreSlice(c[x*ldc : x*ldc+16])
	}
}
