package kernels

import (
	"math"
	"runtime"
	"sync"
	"weak"
)

// The int8 matrix product of quantized models (package quant's
// Int8RowProduct, model.Ops.Int8MatmulForward), bit for bit:
//
//   - each input row x (C) is quantized with its own scale sx = max|x|/127
//     (float32), xq[k] = round(x[k]/sx) divided in float64, rounded half
//     away from zero and clamped to [-127, 127]; a row of zeros has sx = 0;
//   - out[j] = sx·acc_j + bias[j] with acc_j the float32 sum, in order of
//     the groups, of s[j,g]·float32(Σ_{k in g} xq[k]·q[j,k]), each product
//     and each sum rounded to float32 on its own (no fused multiply-add),
//     the integer sum of a group exact in int32.
//
// The integer sums are exact whatever their order, so a kernel may compute
// them in any order; everything after them is done in quant's order. The
// portable kernel reads the weights in place; the SIMD kernels read them
// packed once per matrix (int8Packed) and cached by the address of the
// first weight.

// An int8Kernel computes the output columns j0..j1-1 of every row of the
// product described by t (fn), after quantizing every row into t.sx and
// the operand it reads (rows). cols is the width it computes at a time:
// jobs split the columns in multiples of it. A kernel that packs reads
// t.packed and t.pairs instead of t.q and t.xq.
type int8Kernel struct {
	name  string
	cols  int
	packs bool
	rows  func(t *int8Task, inp []float32)
	fn    func(t *int8Task, j0, j1 int)
}

// int8GoKernel is the portable kernel: four rows at a time, one column,
// about 3.5 GOP per CPU-second on the development machine, twice quant's
// product, which sums one output at a time.
var int8GoKernel = int8Kernel{name: "go", cols: 1, rows: quantizeInt8Rows, fn: int8GoColumns}

// int8Kern is the kernel in use; SIMD builds replace it at start-up when the
// CPU supports theirs. int8Kernels lists every kernel the running CPU
// supports, for the parity tests and benchmarks.
var (
	int8Kern    = int8GoKernel
	int8Kernels = []int8Kernel{int8GoKernel}
)

// int8Task is one product being computed on the pool.
type int8Task struct {
	kern        int8Kernel
	out         []float32 // (R,OC)
	bias        []float32 // (OC) or nil
	q           []int8    // (OC,C)
	scales      []float32 // (OC,C/G)
	packed      *int8Packed
	xq          []int8    // (R,C) the quantized rows
	pairs       []int32   // (R,C/2) xq's pairs of int16 as one int32, for kernels that pack
	sx          []float32 // (R) the rows' scales
	R, C, OC, G int
	chunk       int // columns per job
}

func (t *int8Task) run(job, _ int) {
	j0 := job * t.chunk
	t.kern.fn(t, j0, min(t.OC, j0+t.chunk))
}

// int8Job and int8Rows are the running product and its quantized rows,
// used under the pool's lock. int8Job is cleared after each product so that
// it holds no caller's slices.
var (
	int8Job  int8Task
	int8Rows struct {
		xq    []int8
		pairs []int32
		sx    []float32
	}
)

// Int8MatmulForward computes out = int8(inp)·qᵀ with per-group scales +
// bias, the product of model.Ops.Int8MatmulForward, with the same float32
// numbers as package quant's Int8RowProduct (see the top of this file).
// out is (R,OC), inp is (R,C), q is (OC,C) int8 weights in [-127, 127],
// scales is (OC,C/G): one scale per group of G consecutive weights of a
// row, bias is (OC) or nil. G must divide C.
//
// The SIMD kernels pack q and scales at the first call with them and keep
// the packed copy for as long as q's storage is alive, found again by the
// address of q[0]: q and scales must not change after that call (a model's
// weights do not), and q must be memory allocated by Go, as package quant's
// matrices are.
func Int8MatmulForward(out, inp []float32, q []int8, scales, bias []float32, R, C, OC, G int) {
	dims(R, C, OC, G)
	if G == 0 || C%G != 0 || len(q) < OC*C {
		panic(ErrDimension)
	}
	need(out, R*OC)
	need(inp, R*C)
	need(scales, OC*(C/G))
	if bias != nil {
		need(bias, OC)
	}
	if R == 0 || OC == 0 {
		return
	}
	p := lockPool()
	defer p.unlock()
	kern := int8Kern
	if kern.packs && (C == 0 || G%2 != 0) {
		kern = int8GoKernel // the packed kernels take the inputs in pairs within a group
	}
	rows := &int8Rows
	if len(rows.xq) < R*C {
		rows.xq = make([]int8, R*C)
	}
	if len(rows.sx) < R {
		rows.sx = make([]float32, R)
	}
	t := &int8Job
	*t = int8Task{kern: kern, out: out, bias: bias, q: q, scales: scales,
		xq: rows.xq[:R*C], sx: rows.sx[:R], R: R, C: C, OC: OC, G: G}
	if kern.packs {
		if len(rows.pairs) < R*C/2 {
			rows.pairs = make([]int32, R*C/2)
		}
		t.pairs = rows.pairs[:R*C/2]
		t.packed = packedInt8(q, scales, C, OC, G, kern.cols)
	}
	kern.rows(t, inp)
	// Jobs of at least about 2^18 multiply-adds, so that dispatch stays
	// small next to the work; the pool balances uneven jobs itself.
	units := (OC + kern.cols - 1) / kern.cols
	jobs, size := chunks(units, 2*p.workers, max(1, (1<<18)/(R*max(C, 1)*kern.cols)))
	t.chunk = size * kern.cols
	p.parallel(jobs, t)
	*t = int8Task{}
}

// quantizeInt8Rows quantizes every row of inp (R,C) into t.xq and t.sx.
func quantizeInt8Rows(t *int8Task, inp []float32) {
	C := t.C
	for r := range t.R {
		t.sx[r] = quantizeInt8Row(t.xq[r*C:(r+1)*C], inp[r*C:(r+1)*C])
	}
}

// quantizeInt8Row writes round(x/sx) into xq and returns sx = max|x|/127,
// as package quant quantizes a row (its quantizeGroup, statement for
// statement, so that even rows with infinities or NaNs give the same
// numbers).
func quantizeInt8Row(xq []int8, x []float32) float32 {
	amax := float32(0)
	for _, v := range x {
		amax = max(amax, math.Float32frombits(math.Float32bits(v)&^(1<<31)))
	}
	s := amax / 127
	if s == 0 {
		clear(xq)
		return 0
	}
	xq = xq[:len(x)]
	for i, v := range x {
		r := math.Round(float64(v) / float64(s))
		xq[i] = int8(max(-127, min(127, r)))
	}
	return s
}

// pairInt8 writes each pair xq[2i], xq[2i+1] as one int32 whose low and
// high halves are the two values as int16: the operand that a broadcast
// turns into the right-hand side of a pairwise int16 dot product.
func pairInt8(pairs []int32, xq []int8) {
	xq = xq[:2*len(pairs)]
	for i := range pairs {
		pairs[i] = int32(uint16(int16(xq[2*i]))) | int32(xq[2*i+1])<<16
	}
}

// int8Store writes out[j] = sx·acc + bias[j] (bias may be nil), rounding
// the product on its own as quant does. The explicit conversions here and
// in int8GoColumns keep the compiler from fusing a product and a sum into
// one multiply-add, which it does on amd64 from GOAMD64=v3 and on arm64.
func int8Store(out []float32, j int, sx, acc float32, bias []float32) {
	v := float32(sx * acc)
	if bias != nil {
		v = float32(v + bias[j])
	}
	out[j] = v
}

// int8GoColumns is the portable kernel: for each column, the rows four at a
// time, so that each weight read serves four rows.
func int8GoColumns(t *int8Task, j0, j1 int) {
	C, G, OC := t.C, t.G, t.OC
	groups := C / G
	for j := j0; j < j1; j++ {
		w := t.q[j*C : (j+1)*C]
		sc := t.scales[j*groups : (j+1)*groups]
		r := 0
		for ; r+4 <= t.R; r += 4 {
			x0, x1 := t.xq[r*C:(r+1)*C], t.xq[(r+1)*C:(r+2)*C]
			x2, x3 := t.xq[(r+2)*C:(r+3)*C], t.xq[(r+3)*C:(r+4)*C]
			var a0, a1, a2, a3 float32
			for g, s := range sc {
				wg := w[g*G : (g+1)*G]
				y0, y1, y2, y3 := x0[g*G:][:len(wg)], x1[g*G:][:len(wg)], x2[g*G:][:len(wg)], x3[g*G:][:len(wg)]
				var s0, s1, s2, s3 int32
				for k, wv := range wg {
					wk := int32(wv)
					s0 += int32(y0[k]) * wk
					s1 += int32(y1[k]) * wk
					s2 += int32(y2[k]) * wk
					s3 += int32(y3[k]) * wk
				}
				a0 += float32(s * float32(s0))
				a1 += float32(s * float32(s1))
				a2 += float32(s * float32(s2))
				a3 += float32(s * float32(s3))
			}
			int8Store(t.out[r*OC:(r+1)*OC], j, t.sx[r], a0, t.bias)
			int8Store(t.out[(r+1)*OC:(r+2)*OC], j, t.sx[r+1], a1, t.bias)
			int8Store(t.out[(r+2)*OC:(r+3)*OC], j, t.sx[r+2], a2, t.bias)
			int8Store(t.out[(r+3)*OC:(r+4)*OC], j, t.sx[r+3], a3, t.bias)
		}
		for ; r < t.R; r++ {
			x := t.xq[r*C : (r+1)*C]
			var a float32
			for g, s := range sc {
				wg := w[g*G : (g+1)*G]
				y := x[g*G:][:len(wg)]
				var sum int32
				for k, wv := range wg {
					sum += int32(y[k]) * int32(wv)
				}
				a += float32(s * float32(sum))
			}
			int8Store(t.out[r*OC:(r+1)*OC], j, t.sx[r], a, t.bias)
		}
	}
}

// int8Packed is a weight matrix (OC,C) with its scales in the layout the
// SIMD kernels read, in strips of W output columns (the last padded with
// zero weights and scales):
//
//	q:      strip s, pair p (inputs 2p and 2p+1): 2W int8, for each column
//	        c = W·s .. W·s+W-1 in order its weights q[c,2p], q[c,2p+1]
//	scales: strip s, group g: W float32, the columns' scales of group g
//
// so that a vector of 2·L weights holds L columns' weights for one pair of
// inputs, and a kernel walks a strip's weights and scales forwards.
type int8Packed struct {
	C, OC, G, W int
	q           []int8
	scales      []float32
}

func packInt8(q []int8, scales []float32, C, OC, G, W int) *int8Packed {
	groups := C / G
	strips := (OC + W - 1) / W
	p := &int8Packed{C: C, OC: OC, G: G, W: W,
		q: make([]int8, strips*W*C), scales: make([]float32, strips*W*groups)}
	for j := range OC {
		s, c := j/W, j%W
		strip := p.q[s*W*C : (s+1)*W*C]
		row := q[j*C : (j+1)*C]
		for k := 0; k+1 < C; k += 2 {
			at := k/2*2*W + 2*c
			strip[at], strip[at+1] = row[k], row[k+1]
		}
		for g := range groups {
			p.scales[(s*groups+g)*W+c] = scales[j*groups+g]
		}
	}
	return p
}

// int8Packs holds the packed matrices by a weak pointer to their first
// weight: an entry lives as long as the weights it was packed from (a
// cleanup on them removes it), so models that are replaced leave nothing
// behind, and storage reused for other weights is never mistaken for the
// old matrix.
var int8Packs struct {
	sync.Mutex
	m map[weak.Pointer[int8]]*int8Packed
}

// packedInt8 returns q and scales packed in strips of W columns, packing
// them at the first call.
func packedInt8(q []int8, scales []float32, C, OC, G, W int) *int8Packed {
	key := weak.Make(&q[0])
	int8Packs.Lock()
	p, known := int8Packs.m[key]
	int8Packs.Unlock()
	if p != nil && p.C == C && p.OC == OC && p.G == G && p.W == W {
		return p
	}
	p = packInt8(q, scales, C, OC, G, W)
	int8Packs.Lock()
	if int8Packs.m == nil {
		int8Packs.m = map[weak.Pointer[int8]]*int8Packed{}
	}
	int8Packs.m[key] = p
	int8Packs.Unlock()
	if !known {
		runtime.AddCleanup(&q[0], forgetPacked, key)
	}
	return p
}

func forgetPacked(key weak.Pointer[int8]) {
	int8Packs.Lock()
	delete(int8Packs.m, key)
	int8Packs.Unlock()
}
