package kernels

// The packed matrix product behind the matmul ops: C = A·B (+ bias), or
// C += A·B, with C (m,n) row-major and A (m,k), B (k,n) read through strides
// so that the transposes the matmul ops need cost nothing extra.
//
// It runs in two parallel phases. First both operands are copied into
// panels: A in strips of MR rows, B in strips of NR columns, each strip
// stored k-major (all MR or NR values of one k together), so that the
// micro-kernel reads both with unit stride and no bounds on the tile edges
// (the last strip is padded with zeros). Then the result is cut into blocks
// of up to mcMax×ncMax, one job each. A job walks the summed dimension in
// slices of kc, and within a slice keeps one B strip (kc×NR, about 32 KiB) in
// L1 while the A strips of its block (at most mcMax×kc, about 256 KiB) stream
// from L2; each pair is one call of the micro-kernel on an MR×NR tile.

const (
	kc    = 256 // the summed dimension is walked in slices of kc
	mcMax = 256 // rows of C per job, at most
	ncMax = 512 // columns of C per job, at most
	// maxTile bounds MR×NR over all micro-kernels (the edge tile scratch).
	maxTile = 8 * 32
)

// A microKernel adds A·B into one MR×NR tile of C:
// c[r*ldc+j] += Σ_p a[p*MR+r]·b[p*NR+j] for p < kc, r < MR, j < NR.
type microKernel struct {
	name   string
	mr, nr int
	fn     func(kc int, a, b, c []float32, ldc int)
}

// goKernel is the portable micro-kernel. Its 4×2 tile is the largest that
// keeps every accumulator in a register on amd64 (15 usable float
// registers): measured on the development machine, 4×2 ran at about
// 7.9 GFLOP/s per core, 2×4 at 4.9 and 4×4, which spills, at 1.8; in Go's
// wasm build under Node 4×2 was also the fastest of the shapes tried.
var goKernel = microKernel{name: "go4x2", mr: 4, nr: 2, fn: goMicroKernel4x2}

// gemmKernel is the micro-kernel in use; builds with SIMD replace it at
// start-up when the CPU supports theirs. microKernels lists every kernel the
// running CPU supports, for the parity tests.
var (
	gemmKernel   = goKernel
	microKernels = []microKernel{goKernel}
)

// operand is a matrix read through strides: element (x, p) is
// data[x*xs + p*ps], where x runs along the rows of A (or the columns of B)
// and p along the summed dimension.
type operand struct {
	data   []float32
	xs, ps int
}

func (o operand) at(x, p int) float32 { return o.data[x*o.xs+p*o.ps] }

// gemm computes c = a·b + bias (bias may be nil) or, when accumulate is
// true, c += a·b, for a (m,k), b (k,n) and c (m,n) with row stride ldc. If
// rowSums is not nil, it receives the sum of each row of a (length m).
// The caller holds the pool.
func gemm(p *workerPool, m, n, k int, a, b operand, c []float32, ldc int, bias []float32, accumulate bool, rowSums []float32) {
	if m == 0 || n == 0 || k == 0 {
		gemmDegenerate(m, n, k, a, c, ldc, bias, accumulate, rowSums)
		return
	}
	t := &gemmJob
	*t = gemmTask{kern: gemmKernel, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, bias: bias, accumulate: accumulate, rowSums: rowSums}
	mr, nr := t.kern.mr, t.kern.nr
	t.stripsA, t.stripsB = (m+mr-1)/mr, (n+nr-1)/nr
	p.packA = grow(p.packA, t.stripsA*mr*k)
	p.packB = grow(p.packB, t.stripsB*nr*k)
	t.packA, t.packB = p.packA, p.packB

	// Phase 1: pack, in jobs of whole strips of about 16K floats each.
	perJob := max(1, (1<<14)/(mr*k))
	t.packJobsA, t.strips1 = chunks(t.stripsA, t.stripsA, perJob)
	perJob = max(1, (1<<14)/(nr*k))
	var packJobsB int
	packJobsB, t.strips2 = chunks(t.stripsB, t.stripsB, perJob)
	t.packing = true
	p.parallel(t.packJobsA+packJobsB, t)

	// Phase 2: multiply, in blocks small enough to give every worker
	// several jobs where the product allows it.
	t.packing = false
	t.mc, t.nc = blockSizes(m, n, mr, nr, p.workers)
	t.blocksN = (n + t.nc - 1) / t.nc
	p.parallel(((m+t.mc-1)/t.mc)*t.blocksN, t)
	*t = gemmTask{} // drop references to the caller's slices
}

// gemmDegenerate handles products with an empty dimension, where there is
// nothing to multiply but c may still need its bias and rowSums its sums.
func gemmDegenerate(m, n, k int, a operand, c []float32, ldc int, bias []float32, accumulate bool, rowSums []float32) {
	if !accumulate {
		for i := range m {
			fillRow(c[i*ldc:i*ldc+n], bias)
		}
	}
	for x := range rowSums {
		var s float32
		for p := range k {
			s += a.at(x, p)
		}
		rowSums[x] = s
	}
}

// blockSizes picks the rows and columns of C per job: as large as the
// cache budget allows, halved until there are about four jobs per worker or
// the blocks are down to a few tiles.
func blockSizes(m, n, mr, nr, workers int) (mc, nc int) {
	mc = min(roundUp(m, mr), mcMax/mr*mr)
	nc = min(roundUp(n, nr), ncMax/nr*nr)
	for ceilDiv(m, mc)*ceilDiv(n, nc) < 4*workers {
		switch {
		case nc >= 8*nr && nc >= mc:
			nc = roundUp(nc/2, nr)
		case mc >= 8*mr:
			mc = roundUp(mc/2, mr)
		default:
			return mc, nc
		}
	}
	return mc, nc
}

func roundUp(x, to int) int { return ceilDiv(x, to) * to }
func ceilDiv(x, by int) int { return (x + by - 1) / by }

// gemmJob is the one gemm in flight; the pool's lock guards it.
var gemmJob gemmTask

type gemmTask struct {
	kern       microKernel
	m, n, k    int
	a, b       operand
	c          []float32
	ldc        int
	bias       []float32
	accumulate bool
	rowSums    []float32

	packA, packB     []float32
	stripsA, stripsB int
	packing          bool
	packJobsA        int
	strips1, strips2 int // strips per packing job, for A and for B
	mc, nc, blocksN  int
}

func (t *gemmTask) run(job, worker int) {
	if t.packing {
		t.pack(job)
		return
	}
	t.multiply(job/t.blocksN, job%t.blocksN, worker)
}

func (t *gemmTask) pack(job int) {
	mr, nr := t.kern.mr, t.kern.nr
	if job < t.packJobsA {
		first := job * t.strips1
		last := min(first+t.strips1, t.stripsA)
		packStrips(t.packA, t.a, t.m, t.k, mr, first, last, t.rowSums)
		return
	}
	first := (job - t.packJobsA) * t.strips2
	last := min(first+t.strips2, t.stripsB)
	packStrips(t.packB, t.b, t.n, t.k, nr, first, last, nil)
}

// packStrips copies strips first..last-1 of width w of the operand (n along
// x, k along p) into dst, strip q at dst[q*w*k:], k-major, padding past n
// with zeros. It reads the operand along whichever dimension is contiguous.
// If sums is not nil, sums[x] is set to Σ_p operand(x, p) for each x packed,
// added in order of p (MatmulBackward gets dbias this way from the dout it
// packs anyway).
func packStrips(dst []float32, o operand, n, k, w, first, last int, sums []float32) {
	for q := first; q < last; q++ {
		strip := dst[q*w*k : (q+1)*w*k]
		x0 := q * w
		width := min(w, n-x0)
		if width < w {
			clear(strip)
		}
		switch {
		case o.xs == 1 && w == 4 && width == 4:
			packRows4(strip, o.data[x0:], o.ps, k, sums, x0)
		case o.xs == 1:
			for p := range k {
				src := o.data[x0+p*o.ps:][:width]
				row := strip[p*w:][:width]
				for i, v := range src {
					row[i] = v
				}
			}
			if sums != nil {
				sumStrip(sums[x0:x0+width], strip, w, k)
			}
		case o.ps == 1:
			i := 0
			for ; i+4 <= width; i += 4 {
				packColumns4(strip[i:], o.data[(x0+i)*o.xs:], o.xs, k, w)
			}
			for ; i < width; i++ {
				src := o.data[(x0+i)*o.xs:][:k]
				for p, v := range src {
					strip[p*w+i] = v
				}
			}
			if sums != nil {
				sumStrip(sums[x0:x0+width], strip, w, k)
			}
		default:
			for i := range width {
				for p := range k {
					strip[p*w+i] = o.at(x0+i, p)
				}
			}
			if sums != nil {
				sumStrip(sums[x0:x0+width], strip, w, k)
			}
		}
	}
}

// packRows4 packs a strip of width 4 whose four elements for each p are
// contiguous in src (at src[p*stride:]), adding them into sums[x0:x0+4]
// if sums is not nil.
func packRows4(strip, src []float32, stride, k int, sums []float32, x0 int) {
	var s0, s1, s2, s3 float32
	strip = strip[:4*k]
	for p := range k {
		v := src[p*stride : p*stride+4]
		d := strip[4*p : 4*p+4]
		d[0], d[1], d[2], d[3] = v[0], v[1], v[2], v[3]
		s0 += v[0]
		s1 += v[1]
		s2 += v[2]
		s3 += v[3]
	}
	if sums != nil {
		s := sums[x0 : x0+4]
		s[0], s[1], s[2], s[3] = s0, s1, s2, s3
	}
}

// packColumns4 fills four adjacent columns of a strip of width w from four
// source rows (at src, src[stride:], ...) that are contiguous along p, so
// that each p writes four neighbouring floats.
func packColumns4(strip, src []float32, stride, k, w int) {
	r0, r1 := src[:k], src[stride:stride+k]
	r2, r3 := src[2*stride:2*stride+k], src[3*stride:3*stride+k]
	for p := range k {
		d := strip[p*w : p*w+4]
		d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
	}
}

// sumStrip sets sums[i] to Σ_p strip[p*w+i].
func sumStrip(sums, strip []float32, w, k int) {
	clear(sums)
	for p := range k {
		for i := range sums {
			sums[i] += strip[p*w+i]
		}
	}
}

// multiply computes block (bi, bj) of C.
func (t *gemmTask) multiply(bi, bj, worker int) {
	mr, nr := t.kern.mr, t.kern.nr
	i0, j0 := bi*t.mc, bj*t.nc
	i1, j1 := min(i0+t.mc, t.m), min(j0+t.nc, t.n)
	for p0 := 0; p0 < t.k; p0 += kc {
		depth := min(kc, t.k-p0)
		overwrite := p0 == 0 && !t.accumulate
		for j := j0; j < j1; j += nr {
			bStrip := t.packB[(j/nr)*nr*t.k+p0*nr:][:depth*nr]
			for i := i0; i < i1; i += mr {
				aStrip := t.packA[(i/mr)*mr*t.k+p0*mr:][:depth*mr]
				t.tile(i, j, depth, aStrip, bStrip, overwrite, worker)
			}
		}
	}
}

// tile runs the micro-kernel on the tile of C at (i, j). A tile that sticks
// out of C is computed in the worker's scratch tile and copied back.
func (t *gemmTask) tile(i, j, depth int, a, b []float32, overwrite bool, worker int) {
	mr, nr := t.kern.mr, t.kern.nr
	rows, cols := min(mr, t.m-i), min(nr, t.n-j)
	if rows == mr && cols == nr {
		c := t.c[i*t.ldc+j:]
		if overwrite {
			for r := range mr {
				fillRow(c[r*t.ldc:r*t.ldc+nr], t.biasAt(j, nr))
			}
		}
		t.kern.fn(depth, a, b, c, t.ldc)
		return
	}
	scratch := pool.tiles[worker][:mr*nr]
	clear(scratch)
	for r := range rows {
		dst := scratch[r*nr : r*nr+cols]
		if overwrite {
			fillRow(dst, t.biasAt(j, cols))
		} else {
			copy(dst, t.c[(i+r)*t.ldc+j:])
		}
	}
	t.kern.fn(depth, a, b, scratch, nr)
	for r := range rows {
		copy(t.c[(i+r)*t.ldc+j:][:cols], scratch[r*nr:r*nr+cols])
	}
}

// biasAt is the bias for columns j..j+n-1, or nil.
func (t *gemmTask) biasAt(j, n int) []float32 {
	if t.bias == nil {
		return nil
	}
	return t.bias[j : j+n]
}

// fillRow sets dst to bias, or to zeros when bias is nil.
func fillRow(dst, bias []float32) {
	if bias == nil {
		clear(dst)
		return
	}
	copy(dst, bias)
}

// goMicroKernel4x2 is the portable micro-kernel: a 4×2 tile of C held in
// eight scalar accumulators.
func goMicroKernel4x2(kc int, a, b, c []float32, ldc int) {
	var c00, c01, c10, c11, c20, c21, c30, c31 float32
	a, b = a[:kc*4], b[:kc*2]
	for len(a) >= 4 && len(b) >= 2 {
		b0, b1 := b[0], b[1]
		a0, a1, a2, a3 := a[0], a[1], a[2], a[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c10 += a1 * b0
		c11 += a1 * b1
		c20 += a2 * b0
		c21 += a2 * b1
		c30 += a3 * b0
		c31 += a3 * b1
		a, b = a[4:], b[2:]
	}
	c = c[:3*ldc+2]
	c[0] += c00
	c[1] += c01
	c[ldc] += c10
	c[ldc+1] += c11
	c[2*ldc] += c20
	c[2*ldc+1] += c21
	c[3*ldc] += c30
	c[3*ldc+1] += c31
}
