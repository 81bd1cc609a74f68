package kernels

// The matrix product behind the matmul and attention ops: C = A·B (+ bias),
// or C += A·B, with C (m,n) row-major and A (m,k), B (k,n) read through
// strides, so that the transposes the ops need cost nothing extra.
//
// A micro-kernel computes an MR×NR tile of C from MR rows of A, each
// contiguous along the summed dimension, and a strip of NR columns of B,
// contiguous along the columns at each step of the summed dimension. Where
// an operand is already laid out that way it is read in place; otherwise
// (A stored transposed, or B stored transposed) it is first copied into
// strips that are. The large products behind the matmul ops copy B into
// strips anyway, so that a strip of B (kc×NR, 32 KiB at NR=32, 64 KiB for
// the assembly kernel's NR=64, in L2) stays in cache while the rows of A
// stream past it.
//
// A C stored transposed (MatmulForward with few positions) is computed a
// whole tile over the whole summed dimension at a time, and with a
// micro-kernel that stores transposed tiles itself, lineRows rows at a
// time (transposedLines).
//
// gemm runs a large product in two parallel phases: packing, then blocks
// of up to mcMax×ncMax of C, one job each. smallProduct runs a whole small
// product on one worker (attention's per-head products).

const (
	mr    = 4   // rows of C per micro-kernel tile, for every micro-kernel
	kc    = 256 // the summed dimension is walked in slices of kc
	mcMax = 256 // rows of C per job, at most
	ncMax = 512 // columns of C per job, at most
	// maxNR bounds the tile width over all micro-kernels (scratch sizes).
	maxNR = 64
)

// A microKernel adds A·B into one mr×NR tile of C:
// c[r*ldc+j] += Σ_p ar[p]·b[p*ldb+j] for r < mr, j < NR, p < len(a0),
// where a0..a3 are the tile's rows of A (all of the same length).
//
// transposed, if not nil, computes a whole tile of a C stored transposed
// (element (r, j) at c[j*ldc+r]) from at least one term: with mode tileZero
// it sets the tile to 0 + the sum, with tileBias to bias[r] + the sum, with
// tileAdd it adds the sum, the same additions as fn on a scratch tile.
type microKernel struct {
	name       string
	nr         int
	fn         func(a0, a1, a2, a3, b []float32, ldb int, c []float32, ldc int)
	transposed func(a0, a1, a2, a3, b []float32, ldb int, c []float32, ldc int, bias []float32, mode int)
}

// The modes of microKernel.transposed.
const (
	tileZero = iota
	tileBias
	tileAdd
)

// goKernel is the portable micro-kernel. Its 4×2 tile is the largest that
// keeps every accumulator in a register on amd64 (15 usable float
// registers). Measured on the development machine (GFLOP per CPU-second,
// best of four, MatmulForward at the student's shapes): 4×2 6.2 to 6.6, a
// 4×4 tile, which spills, 3.3 to 3.5. In a standalone test of the tile
// shapes 4×2 was also the fastest in Go's wasm build under Node.
var goKernel = microKernel{name: "go4x2", nr: 2, fn: goMicroKernel4x2}

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

// zeros stands in for the missing rows of A in a tile at the bottom edge.
var zeros [kc]float32

// product is one matrix product, with its operands either in place or
// packed: packedA holds A in row-major strips of mr rows (strip q's row r
// at packedA[q*mr*k + r*k:], k long), packedB holds B in k-major strips of
// NR columns (strip q at packedB[q*NR*k:], NR values per step of k).
type product struct {
	kern             microKernel
	m, n, k          int
	a, b             operand
	packedA, packedB []float32 // nil: read the operand in place
	c                []float32
	ldc              int
	cTransposed      bool // C[i][j] is stored at c[j*ldc+i], and bias is per row
	bias             []float32
	accumulate       bool
	band             band
}

// A band says which part of a product a row of C needs, for the products of
// causal attention, whose other parts are known to be zero or unused.
type band int

const (
	fullBand       band = iota
	columnsUpToRow      // C[i][j] is needed only for j <= i
	summedUpToRow       // row i sums only over p <= i (A[i][p] = 0 beyond)
	summedFromRow       // row i sums only over p >= i (A[i][p] = 0 before)
)

// gemm computes the product pr describes (pr.kern is set here) on the
// whole pool. If rowSums is not nil, it receives the sum of each row of A
// (length m), added in order of the summed index. The caller holds the
// pool.
func gemm(p *workerPool, pr product, rowSums []float32) {
	m, n, k := pr.m, pr.n, pr.k
	if m == 0 || n == 0 || k == 0 {
		pr.degenerate(rowSums)
		return
	}
	t := &gemmJob
	pr.kern = gemmKernel
	*t = gemmTask{rowSums: rowSums, product: pr}
	nr := t.kern.nr
	// B is copied into strips when it is stored transposed, and otherwise
	// when enough rows of A will pass over each strip to repay the copy.
	if pr.b.xs != 1 || m >= packBRows {
		t.stripsB = ceilDiv(n, nr)
		p.packB = grow(p.packB, t.stripsB*nr*k)
		t.packedB = p.packB
	}
	if pr.a.ps != 1 || rowSums != nil {
		t.stripsA = ceilDiv(m, mr)
		p.packA = grow(p.packA, t.stripsA*mr*k)
		t.packedA = p.packA
	}

	// Phase 1: pack, in jobs of whole strips of about 16K floats each.
	t.packJobsA, t.strips1 = chunks(t.stripsA, t.stripsA, max(1, (1<<14)/(mr*k)))
	packJobsB, strips2 := chunks(t.stripsB, t.stripsB, max(1, (1<<14)/(nr*k)))
	t.strips2 = strips2
	t.packing = true
	p.parallel(t.packJobsA+packJobsB, t)

	// Phase 2: multiply, in blocks small enough to give every worker
	// several jobs where the product allows it.
	t.packing = false
	t.mc, t.nc = blockSizes(m, n, nr, p.workers)
	t.blocksN = ceilDiv(n, t.nc)
	p.parallel(ceilDiv(m, t.mc)*t.blocksN, t)
	*t = gemmTask{} // drop references to the caller's slices
}

// packBRows is the number of rows of A from which a product copies a B
// that is already laid out for the micro-kernel into strips anyway: each
// strip is then read by at least packBRows/mr tiles from L1 instead of
// through the operand's longer row stride.
const packBRows = 128

// gemmJob is the one gemm in flight; the pool's lock guards it.
var gemmJob gemmTask

type gemmTask struct {
	product
	rowSums          []float32
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
	bi, bj := job/t.blocksN, job%t.blocksN
	i0, j0 := bi*t.mc, bj*t.nc
	t.block(i0, min(i0+t.mc, t.m), j0, min(j0+t.nc, t.n), worker)
}

func (t *gemmTask) pack(job int) {
	if job < t.packJobsA {
		first := job * t.strips1
		packRowStrips(t.packedA, t.a, t.m, t.k, first, min(first+t.strips1, t.stripsA), t.rowSums)
		return
	}
	first := (job - t.packJobsA) * t.strips2
	packColumnStrips(t.packedB, t.b, t.n, t.k, t.kern.nr, first, min(first+t.strips2, t.stripsB))
}

// smallProduct computes c = a·b (or c += a·b) on worker w alone: the
// per-head products of attention, which are many and small, so the
// parallelism is across them rather than inside each. Operands are read in
// place where their layout allows, since at these sizes copying would cost
// as much as multiplying. Tiles that the band leaves out are not touched.
func smallProduct(w, m, n, k int, a, b operand, c []float32, ldc int, accumulate bool, bd band) {
	kern := gemmKernel
	pr := product{kern: kern, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate, band: bd}
	if m == 0 || n == 0 || k == 0 {
		pr.degenerate(nil)
		return
	}
	var sizeA, sizeB int
	if a.ps != 1 {
		sizeA = ceilDiv(m, mr) * mr * k
	}
	if b.xs != 1 {
		sizeB = ceilDiv(n, kern.nr) * kern.nr * k
	}
	buf := pool.pack(w, sizeA+sizeB)
	if sizeA > 0 {
		pr.packedA = buf[:sizeA]
		packRowStrips(pr.packedA, a, m, k, 0, ceilDiv(m, mr), nil)
	}
	if sizeB > 0 {
		pr.packedB = buf[sizeA:]
		packColumnStrips(pr.packedB, b, n, k, kern.nr, 0, ceilDiv(n, kern.nr))
	}
	pr.block(0, m, 0, n, w)
}

// degenerate handles products with an empty dimension, where there is
// nothing to multiply but C may still need its bias and rowSums its sums.
func (pr *product) degenerate(rowSums []float32) {
	if !pr.accumulate {
		for i := range pr.m {
			for j := range pr.n {
				pr.set(i, j, pr.biasOf(i, j))
			}
		}
	}
	for x := range rowSums {
		var s float32
		for p := range pr.k {
			s += pr.a.at(x, p)
		}
		rowSums[x] = s
	}
}

// blockSizes picks the rows and columns of C per job: as large as the
// cache budget allows, halved until there are about four jobs per worker or
// the blocks are down to a few tiles.
func blockSizes(m, n, nr, workers int) (mc, nc int) {
	mc = min(roundUp(m, mr), mcMax)
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

// packRowStrips copies strips first..last-1 of A (m rows, k long) into dst
// as rows: strip q's row r at dst[q*mr*k + r*k:]. Rows past m are zero. If
// sums is not nil, sums[x] receives the sum of row x, added in order of p.
func packRowStrips(dst []float32, o operand, m, k, first, last int, sums []float32) {
	for q := first; q < last; q++ {
		strip := dst[q*mr*k : (q+1)*mr*k]
		x0 := q * mr
		rows := min(mr, m-x0)
		if rows < mr {
			clear(strip[rows*k:])
		}
		if o.xs == 1 && rows == mr {
			transposeRows4(strip, o.data[x0:], o.ps, k, sums, x0)
			continue
		}
		for r := range rows {
			row := strip[r*k : r*k+k]
			var s float32
			for p := range row {
				row[p] = o.at(x0+r, p)
				s += row[p]
			}
			if sums != nil {
				sums[x0+r] = s
			}
		}
	}
}

// transposeRows4 fills four rows of a strip from a source whose four values
// for each p are contiguous (at src[p*stride:]), summing each row into
// sums[x0:x0+4] if sums is not nil.
func transposeRows4(strip, src []float32, stride, k int, sums []float32, x0 int) {
	r0, r1, r2, r3 := strip[:k], strip[k:2*k], strip[2*k:3*k], strip[3*k:4*k]
	var s0, s1, s2, s3 float32
	for p := range r0 {
		v := src[p*stride : p*stride+4]
		r0[p], r1[p], r2[p], r3[p] = v[0], v[1], v[2], v[3]
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

// packColumnStrips copies strips first..last-1 of width w of B (n columns,
// k deep) into dst, strip q at dst[q*w*k:], k-major, padding past n with
// zeros. It reads B along whichever dimension is contiguous.
func packColumnStrips(dst []float32, o operand, n, k, w, first, last int) {
	for q := first; q < last; q++ {
		strip := dst[q*w*k : (q+1)*w*k]
		x0 := q * w
		width := min(w, n-x0)
		if width < w {
			clear(strip)
		}
		switch {
		case o.xs == 1:
			for p := range k {
				copy(strip[p*w:p*w+width], o.data[x0+p*o.ps:][:width])
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
		default:
			for i := range width {
				for p := range k {
					strip[p*w+i] = o.at(x0+i, p)
				}
			}
		}
	}
}

// packColumns4 fills four adjacent columns of a strip of width w from four
// source rows (at src, src[stride:], ...) that are contiguous along p, so
// that each p writes four neighbouring floats.
func packColumns4(strip, src []float32, stride, k, w int) {
	r0, r1 := src[:k], src[stride:stride+k]
	r2, r3 := src[2*stride:2*stride+k], src[3*stride:3*stride+k]
	storeColumns4(strip, w, r0, r1, r2, r3) // the same transpose as a tile's store
}

// block computes rows i0..i1-1 and columns j0..j1-1 of C, walking the summed
// dimension in slices of kc. Within a slice one strip of B stays in L1 while
// the block's rows of A stream past it.
func (pr *product) block(i0, i1, j0, j1, worker int) {
	nr := pr.kern.nr
	if pr.cTransposed && pr.band == fullBand {
		// A transposed C (inference's few positions) has whole tiles
		// built in the worker's scratch over the whole summed dimension
		// and stored once, rather than stored and gathered again for
		// each slice of kc.
		for j := j0; j < j1; j += nr {
			i := i0
			if pr.kern.transposed != nil && !pr.accumulate && j+nr <= pr.n {
				for ; i+lineRows <= i1; i += lineRows {
					pr.transposedLines(i, j, worker)
				}
			}
			for ; i < i1; i += mr {
				if i+mr > pr.m || j+nr > pr.n {
					for p0 := 0; p0 < pr.k; p0 += kc {
						pr.tile(i, j, p0, min(p0+kc, pr.k), p0 == 0 && !pr.accumulate, worker)
					}
					continue
				}
				pr.transposedTile(i, j, 0, pr.k, !pr.accumulate, pool.tiles[worker][:mr*nr], worker)
			}
		}
		return
	}
	for p0 := 0; p0 < pr.k; p0 += kc {
		for j := j0; j < j1; j += nr {
			for i := i0; i < i1; i += mr {
				if pr.band == columnsUpToRow && j > i+mr-1 {
					continue
				}
				lo, hi := pr.summedRange(i)
				if lo >= hi { // nothing to add: a product over no terms
					if p0 == 0 && !pr.accumulate {
						pr.tile(i, j, lo, lo, true, worker)
					}
					continue
				}
				from, to := max(p0, lo), min(p0+kc, hi)
				if from < to {
					pr.tile(i, j, from, to, from == lo && !pr.accumulate, worker)
				}
			}
		}
	}
}

// summedRange is the part of the summed dimension that the mr rows of C
// starting at row i need.
func (pr *product) summedRange(i int) (lo, hi int) {
	switch pr.band {
	case summedUpToRow:
		return 0, min(pr.k, i+mr)
	case summedFromRow:
		return min(i, pr.k), pr.k
	}
	return 0, pr.k
}

// tile adds the terms from..to-1 of the summed dimension into the tile of C
// at (i, j), first setting the tile to the bias (or zero) if overwrite. A
// tile that sticks out of C, or of a C stored transposed, is computed in
// the worker's scratch and copied back.
func (pr *product) tile(i, j, from, to int, overwrite bool, worker int) {
	nr := pr.kern.nr
	rows, cols := min(mr, pr.m-i), min(nr, pr.n-j)
	if rows == mr && cols == nr && !pr.cTransposed {
		c := pr.c[i*pr.ldc+j:]
		if overwrite {
			for r := range mr {
				fillRow(c[r*pr.ldc:r*pr.ldc+nr], pr.biasAt(j, nr))
			}
		}
		if from < to {
			pr.kernel(i, j, from, to, c, pr.ldc, worker)
		}
		return
	}
	scratch := pool.tiles[worker][:mr*nr]
	if rows == mr && cols == nr { // a whole tile of a transposed C
		pr.transposedTile(i, j, from, to, overwrite, scratch, worker)
		return
	}
	clear(scratch)
	for r := range rows {
		for jj := range cols {
			if overwrite {
				scratch[r*nr+jj] = pr.biasOf(i+r, j+jj)
			} else {
				scratch[r*nr+jj] = pr.get(i+r, j+jj)
			}
		}
	}
	if from < to {
		pr.kernel(i, j, from, to, scratch, nr, worker)
	}
	for r := range rows {
		for jj := range cols {
			pr.set(i+r, j+jj, scratch[r*nr+jj])
		}
	}
}

// transposedTile is tile for a whole tile of a C stored transposed: the
// tile's column j+jj is four contiguous floats at c[(j+jj)*ldc+i:]. The
// terms from..to-1 are added in slices of at most kc.
func (pr *product) transposedTile(i, j, from, to int, overwrite bool, scratch []float32, worker int) {
	nr := pr.kern.nr
	if pr.kern.transposed != nil && from < to {
		pr.transposedSums(i, j, from, to, overwrite, pr.c[j*pr.ldc+i:], pr.ldc, worker)
		return
	}
	s0, s1, s2, s3 := scratch[:nr], scratch[nr:2*nr], scratch[2*nr:3*nr], scratch[3*nr:4*nr]
	switch {
	case overwrite && pr.bias == nil:
		clear(scratch[:mr*nr])
	case overwrite:
		var b [mr]float32
		copy(b[:], pr.bias[i:i+mr])
		fillConst(s0, b[0])
		fillConst(s1, b[1])
		fillConst(s2, b[2])
		fillConst(s3, b[3])
	default:
		for jj := range s0 {
			c := pr.c[(j+jj)*pr.ldc+i:][:mr]
			s0[jj], s1[jj], s2[jj], s3[jj] = c[0], c[1], c[2], c[3]
		}
	}
	for p0 := from; p0 < to; p0 += kc {
		pr.kernel(i, j, p0, min(p0+kc, to), scratch, nr, worker)
	}
	storeColumns4(pr.c[j*pr.ldc+i:], pr.ldc, s0, s1, s2, s3)
}

// lineRows is the rows of a transposed C that transposedLines computes at
// once: a cache line of each of its columns.
const lineRows = 16

// transposedLines computes rows i..i+lineRows-1 and columns j..j+nr-1 of a
// transposed C that is overwritten, as lineRows/mr whole tiles built in the
// worker's scratch and then stored a whole column segment (one cache line
// when aligned) at a time. Storing each tile's four values a column
// straight into C instead touches nr lines a tile, often in the same cache
// set (OC a multiple of 1024, as the student's MLP and LM head), and every
// line again for the next tile.
func (pr *product) transposedLines(i, j, worker int) {
	nr := pr.kern.nr
	buf := pool.tiles[worker][:lineRows*nr]
	for r := 0; r < lineRows; r += mr {
		pr.transposedSums(i+r, j, 0, pr.k, true, buf[r:], lineRows, worker)
	}
	storeLines(pr.c[j*pr.ldc+i:], pr.ldc, buf, nr)
}

// transposedSums computes the whole tile at (i, j) of a transposed C over
// terms from..to-1 (at least one) with the micro-kernel's transposed
// function, into c with column stride ldc.
func (pr *product) transposedSums(i, j, from, to int, overwrite bool, c []float32, ldc, worker int) {
	mode := tileAdd
	if overwrite {
		mode = tileZero
		if pr.bias != nil {
			mode = tileBias
		}
	}
	for p0 := from; p0 < to; p0 += kc {
		a0, a1, a2, a3 := pr.rowsOfA(i, p0, min(p0+kc, to))
		b, ldb := pr.stripOfB(j, p0, min(p0+kc, to), worker)
		pr.kern.transposed(a0, a1, a2, a3, b, ldb, c, ldc, pr.biasAt(i, mr), mode)
		mode = tileAdd
	}
}

// storeLinesGo copies n columns of lineRows floats from buf (column x at
// buf[x*lineRows:]) to c (column x at c[x*ldc:]).
func storeLinesGo(c []float32, ldc int, buf []float32, n int) {
	for x := range n {
		copy(c[x*ldc:x*ldc+lineRows], buf[x*lineRows:(x+1)*lineRows])
	}
}

// storeColumns4Go writes the four rows s0..s3 as columns: c[jj*ldc+r] is
// row r's element jj.
func storeColumns4Go(c []float32, ldc int, s0, s1, s2, s3 []float32) {
	s1, s2, s3 = s1[:len(s0)], s2[:len(s0)], s3[:len(s0)]
	for jj := range s0 {
		col := c[jj*ldc:][:mr]
		col[0], col[1], col[2], col[3] = s0[jj], s1[jj], s2[jj], s3[jj]
	}
}

// fillConstGo sets every element of dst to v.
func fillConstGo(dst []float32, v float32) {
	for i := range dst {
		dst[i] = v
	}
}

// kernel runs the micro-kernel for the tile at (i, j) over terms
// from..to-1, adding into c with row stride ldc.
func (pr *product) kernel(i, j, from, to int, c []float32, ldc, worker int) {
	a0, a1, a2, a3 := pr.rowsOfA(i, from, to)
	b, ldb := pr.stripOfB(j, from, to, worker)
	pr.kern.fn(a0, a1, a2, a3, b, ldb, c, ldc)
}

// get and set address element (i, j) of C, stored either way.
func (pr *product) get(i, j int) float32 {
	if pr.cTransposed {
		return pr.c[j*pr.ldc+i]
	}
	return pr.c[i*pr.ldc+j]
}

func (pr *product) set(i, j int, v float32) {
	if pr.cTransposed {
		pr.c[j*pr.ldc+i] = v
		return
	}
	pr.c[i*pr.ldc+j] = v
}

// biasOf is the bias of element (i, j): per column, or per row when C is
// stored transposed.
func (pr *product) biasOf(i, j int) float32 {
	switch {
	case pr.bias == nil:
		return 0
	case pr.cTransposed:
		return pr.bias[i]
	}
	return pr.bias[j]
}

// rowsOfA returns terms from..to-1 of the mr rows of A starting at row i;
// rows past the end of A read as zeros.
func (pr *product) rowsOfA(i, from, to int) (a0, a1, a2, a3 []float32) {
	var rows [mr][]float32
	for r := range rows {
		switch {
		case pr.packedA != nil:
			rows[r] = pr.packedA[(i+r)*pr.k+from : (i+r)*pr.k+to]
		case i+r < pr.m:
			rows[r] = pr.a.data[(i+r)*pr.a.xs+from : (i+r)*pr.a.xs+to]
		default:
			rows[r] = zeros[:to-from]
		}
	}
	return rows[0], rows[1], rows[2], rows[3]
}

// stripOfB returns terms from..to-1 of the strip of B at column j, with the
// distance between its rows. A strip read in place that sticks out of B is
// copied into the worker's scratch, padded with zeros.
func (pr *product) stripOfB(j, from, to, worker int) (b []float32, ldb int) {
	nr := pr.kern.nr
	if pr.packedB != nil {
		return pr.packedB[(j/nr)*nr*pr.k+from*nr:], nr
	}
	if j+nr <= pr.n {
		return pr.b.data[from*pr.b.ps+j:], pr.b.ps
	}
	scratch := pool.stripB(worker, (to-from)*nr)
	clear(scratch)
	for p := from; p < to; p++ {
		copy(scratch[(p-from)*nr:][:pr.n-j], pr.b.data[p*pr.b.ps+j:])
	}
	return scratch, nr
}

// biasAt is the bias for columns j..j+n-1, or nil.
func (pr *product) biasAt(j, n int) []float32 {
	if pr.bias == nil {
		return nil
	}
	return pr.bias[j : j+n]
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
func goMicroKernel4x2(a0, a1, a2, a3, b []float32, ldb int, c []float32, ldc int) {
	var c00, c01, c10, c11, c20, c21, c30, c31 float32
	a1, a2, a3 = a1[:len(a0)], a2[:len(a0)], a3[:len(a0)]
	for p, x0 := range a0 {
		bp := b[p*ldb : p*ldb+2]
		b0, b1 := bp[0], bp[1]
		x1, x2, x3 := a1[p], a2[p], a3[p]
		c00 += x0 * b0
		c01 += x0 * b1
		c10 += x1 * b0
		c11 += x1 * b1
		c20 += x2 * b0
		c21 += x2 * b1
		c30 += x3 * b0
		c31 += x3 * b1
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
