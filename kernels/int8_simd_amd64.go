//go:build goexperiment.simd

package kernels

import (
	"math"
	"simd/archsimd"
	"slices"
)

// The AVX-512 int8 kernel. It reads the weights packed in strips of 32
// columns (int8Packed): for one pair of inputs, 32 bytes hold 16 columns'
// two weights each. Sign-extended to 32 int16 and multiplied with the row's
// pair (xq[k], xq[k+1]) broadcast to every lane, VPMADDWD gives the 16
// columns' partial sums in 16 int32 lanes, with no horizontal additions.
// Exact in int32, they are added up over a group's pairs, converted to
// float32, multiplied by the 16 columns' scales of the group and added to
// float32 accumulators, one group after the other, as quant computes them.
//
// A tile is three rows by 32 columns: six int32 sums live through the inner
// loop, each weight vector serves three rows and each broadcast two vectors
// of columns. Measured on the development machine (an AVX-512 Zen, one
// thread, GOP per CPU-second at 32×256×768 and the other benchmark shapes):
// three rows 160 to 170, four rows 115 to 130 (Go's register allocator,
// which keeps about 15 vectors live, then spills two sums inside the loop),
// weights stored pre-widened to int16 no faster. The float accumulators
// stay in memory for the same reason, and the loop over a group's pairs
// runs over fixed-size arrays of 16 pairs, which keeps its index and
// pointers in registers; groups of other even sizes take a slower loop.

var avx512Int8Kernel = int8Kernel{name: "avx512-3x32", cols: 32, packs: true, rows: avx512QuantizeRows, fn: avx512Int8Columns}

func init() {
	if archsimd.X86.AVX512() {
		int8Kernels = append(int8Kernels, avx512Int8Kernel)
		int8Kern = avx512Int8Kernel
	}
}

// avx512Int8Columns computes columns j0..j1-1 (j0 a multiple of 32) of
// every row: for each strip of 32 columns, the rows three at a time (the
// last tile of two rows computes the second one twice) and a last single
// row on its own.
func avx512Int8Columns(t *int8Task, j0, j1 int) {
	C, OC, half, gp := t.C, t.OC, t.C/2, t.G/2
	groups := C / t.G
	pk := t.packed
	for j := j0; j < j1; j += 32 {
		s := j / 32
		w := pk.q[s*32*C : (s+1)*32*C]
		sc := pk.scales[s*32*groups : (s+1)*32*groups]
		n := min(32, j1-j)
		r := 0
		for ; r+1 < t.R; r += 3 {
			r1, r2 := r+1, min(r+2, t.R-1)
			var acc [6]archsimd.Float32x16
			avx512Int8Tile3(&acc, w, sc, t.pairs[r*half:(r+1)*half], t.pairs[r1*half:(r1+1)*half], t.pairs[r2*half:(r2+1)*half], gp)
			for i := range min(3, t.R-r) {
				avx512Int8Store(t.out[(r+i)*OC+j:(r+i)*OC+j+n], t.sx[r+i], acc[2*i], acc[2*i+1], t.bias, j)
			}
		}
		if r < t.R {
			lo, hi := avx512Int8Tile1(w, sc, t.pairs[r*half:(r+1)*half], gp)
			avx512Int8Store(t.out[r*OC+j:r*OC+j+n], t.sx[r], lo, hi, t.bias, j)
		}
	}
}

// avx512Int8Tile3 adds to acc the products of three rows (x0, x1, x2: a
// row's pairs) and one strip of 32 columns (w, sc): acc[2i] and acc[2i+1]
// are row i's columns 0..15 and 16..31. gp is the number of pairs in a
// group.
func avx512Int8Tile3(acc *[6]archsimd.Float32x16, w []int8, sc []float32, x0, x1, x2 []int32, gp int) {
	if gp%16 != 0 {
		avx512Int8Tile3Any(acc, w, sc, x0, x1, x2, gp)
		return
	}
	for g, p0 := 0, 0; p0 < len(x0); g, p0 = g+1, p0+gp {
		var s00, s01, s10, s11, s20, s21 archsimd.Int32x16
		for c := p0; c < p0+gp; c += 16 {
			wb := (*[16 * 64]int8)(w[c*64:])
			y0, y1, y2 := (*[16]int32)(x0[c:]), (*[16]int32)(x1[c:]), (*[16]int32)(x2[c:])
			for p := range 16 {
				w0 := archsimd.LoadInt8x32((*[32]int8)(wb[p*64 : p*64+32])).ExtendToInt16()
				w1 := archsimd.LoadInt8x32((*[32]int8)(wb[p*64+32 : p*64+64])).ExtendToInt16()
				x := archsimd.BroadcastInt32x16(y0[p]).AsInt16x32()
				s00 = s00.Add(w0.DotProductPairs(x))
				s01 = s01.Add(w1.DotProductPairs(x))
				x = archsimd.BroadcastInt32x16(y1[p]).AsInt16x32()
				s10 = s10.Add(w0.DotProductPairs(x))
				s11 = s11.Add(w1.DotProductPairs(x))
				x = archsimd.BroadcastInt32x16(y2[p]).AsInt16x32()
				s20 = s20.Add(w0.DotProductPairs(x))
				s21 = s21.Add(w1.DotProductPairs(x))
			}
		}
		avx512Int8Scale3(acc, (*[32]float32)(sc[g*32:]), s00, s01, s10, s11, s20, s21)
	}
}

// avx512Int8Tile3Any is avx512Int8Tile3 for groups of any even size.
func avx512Int8Tile3Any(acc *[6]archsimd.Float32x16, w []int8, sc []float32, x0, x1, x2 []int32, gp int) {
	x1, x2 = x1[:len(x0)], x2[:len(x0)]
	for g, p0 := 0, 0; p0 < len(x0); g, p0 = g+1, p0+gp {
		var s00, s01, s10, s11, s20, s21 archsimd.Int32x16
		for p := p0; p < p0+gp; p++ {
			wp := (*[64]int8)(w[p*64:])
			w0 := archsimd.LoadInt8x32((*[32]int8)(wp[0:32])).ExtendToInt16()
			w1 := archsimd.LoadInt8x32((*[32]int8)(wp[32:64])).ExtendToInt16()
			x := archsimd.BroadcastInt32x16(x0[p]).AsInt16x32()
			s00 = s00.Add(w0.DotProductPairs(x))
			s01 = s01.Add(w1.DotProductPairs(x))
			x = archsimd.BroadcastInt32x16(x1[p]).AsInt16x32()
			s10 = s10.Add(w0.DotProductPairs(x))
			s11 = s11.Add(w1.DotProductPairs(x))
			x = archsimd.BroadcastInt32x16(x2[p]).AsInt16x32()
			s20 = s20.Add(w0.DotProductPairs(x))
			s21 = s21.Add(w1.DotProductPairs(x))
		}
		avx512Int8Scale3(acc, (*[32]float32)(sc[g*32:]), s00, s01, s10, s11, s20, s21)
	}
}

// avx512Int8Scale3 adds one group's sums of three rows, converted to
// float32 and multiplied by the group's 32 column scales, to acc.
func avx512Int8Scale3(acc *[6]archsimd.Float32x16, sc *[32]float32, s00, s01, s10, s11, s20, s21 archsimd.Int32x16) {
	c0 := archsimd.LoadFloat32x16((*[16]float32)(sc[0:16]))
	c1 := archsimd.LoadFloat32x16((*[16]float32)(sc[16:32]))
	acc[0] = acc[0].Add(s00.ConvertToFloat32().Mul(c0))
	acc[1] = acc[1].Add(s01.ConvertToFloat32().Mul(c1))
	acc[2] = acc[2].Add(s10.ConvertToFloat32().Mul(c0))
	acc[3] = acc[3].Add(s11.ConvertToFloat32().Mul(c1))
	acc[4] = acc[4].Add(s20.ConvertToFloat32().Mul(c0))
	acc[5] = acc[5].Add(s21.ConvertToFloat32().Mul(c1))
}

// avx512Int8Tile1 is avx512Int8Tile3 for one row, returning its two
// accumulators.
func avx512Int8Tile1(w []int8, sc []float32, x []int32, gp int) (lo, hi archsimd.Float32x16) {
	for g, p0 := 0, 0; p0 < len(x); g, p0 = g+1, p0+gp {
		var s0, s1 archsimd.Int32x16
		for p, xp := range x[p0 : p0+gp] {
			wp := (*[64]int8)(w[(p0+p)*64:])
			v := archsimd.BroadcastInt32x16(xp).AsInt16x32()
			s0 = s0.Add(archsimd.LoadInt8x32((*[32]int8)(wp[0:32])).ExtendToInt16().DotProductPairs(v))
			s1 = s1.Add(archsimd.LoadInt8x32((*[32]int8)(wp[32:64])).ExtendToInt16().DotProductPairs(v))
		}
		c := (*[32]float32)(sc[g*32:])
		lo = lo.Add(s0.ConvertToFloat32().Mul(archsimd.LoadFloat32x16((*[16]float32)(c[0:16]))))
		hi = hi.Add(s1.ConvertToFloat32().Mul(archsimd.LoadFloat32x16((*[16]float32)(c[16:32]))))
	}
	return lo, hi
}

// avx512Int8Store writes row = sx·acc + bias[j:] for the len(row) ≤ 32
// columns of a strip (lo holds the first 16, hi the next), the product and
// the sum each rounded on its own.
func avx512Int8Store(row []float32, sx float32, lo, hi archsimd.Float32x16, bias []float32, j int) {
	vs := archsimd.BroadcastFloat32x16(sx)
	lo, hi = lo.Mul(vs), hi.Mul(vs)
	if len(row) == 32 {
		if bias != nil {
			b := bias[j : j+32]
			lo = lo.Add(archsimd.LoadFloat32x16Slice(b[0:16]))
			hi = hi.Add(archsimd.LoadFloat32x16Slice(b[16:32]))
		}
		lo.StoreSlice(row[0:16])
		hi.StoreSlice(row[16:32])
		return
	}
	if bias != nil {
		b := bias[j : j+len(row)]
		lo = lo.Add(archsimd.LoadFloat32x16SlicePart(b))
		if len(b) > 16 {
			hi = hi.Add(archsimd.LoadFloat32x16SlicePart(b[16:]))
		}
	}
	lo.StoreSlicePart(row)
	if len(row) > 16 {
		hi.StoreSlicePart(row[16:])
	}
}

// avx512QuantizeRows quantizes every row of inp (R,C) into t.pairs and
// t.sx as quantizeInt8Row does, eight inputs at a time: the division in
// float64 is the same correctly rounded one, and rounding half away from
// zero is done exactly, from the integer part and the fraction (which a
// subtraction gives exactly). A row holding an infinity or a NaN is left to
// quantizeInt8Row, so that its odd numbers come out as quant's do.
// Element by element, as quantizeInt8Row does it (a float64 division and
// math.Round's bit manipulation each), quantizing took more than half of a
// product's time at 32×1024×256.
func avx512QuantizeRows(t *int8Task, inp []float32) {
	C, half := t.C, t.C/2
	for r := range t.R {
		x, pairs := inp[r*C:(r+1)*C], t.pairs[r*half:(r+1)*half]
		bits := absMaxBits(x)
		if bits >= 0x7f800000 { // an infinity or a NaN
			xq := t.xq[r*C : (r+1)*C]
			t.sx[r] = quantizeInt8Row(xq, x)
			pairInt8(pairs, xq)
			continue
		}
		s := math.Float32frombits(bits) / 127
		t.sx[r] = s
		if s == 0 {
			clear(pairs)
			continue
		}
		ds := archsimd.BroadcastFloat64x8(float64(s))
		up, down, one := archsimd.BroadcastFloat64x8(0.5), archsimd.BroadcastFloat64x8(-0.5), archsimd.BroadcastFloat64x8(1)
		lo, hi := archsimd.BroadcastFloat64x8(-127), archsimd.BroadcastFloat64x8(127)
		for i := 0; i < len(x); i += 8 {
			v := archsimd.LoadFloat32x8SlicePart(x[i:]).ConvertToFloat64().Div(ds)
			n := v.TruncScaled(0)
			f := v.Sub(n)
			n = n.Add(one.Masked(f.GreaterEqual(up))).Sub(one.Masked(f.LessEqual(down)))
			q := n.Max(lo).Min(hi).ConvertToInt32().TruncateToInt16()
			q.AsInt32x4().StoreSlicePart(pairs[i/2:])
		}
	}
}

// absMaxBits is the largest of the bit patterns of |x[i]|: the bits of
// max|x| when every x[i] is finite, and at least those of +Inf otherwise.
func absMaxBits(x []float32) uint32 {
	noSign := archsimd.BroadcastUint32x16(1<<31 - 1)
	var m archsimd.Uint32x16
	for i := 0; i < len(x); i += 16 {
		m = m.Max(archsimd.LoadFloat32x16SlicePart(x[i:]).AsUint32x16().And(noSign))
	}
	var lanes [16]uint32
	m.Store(&lanes)
	return slices.Max(lanes[:])
}
