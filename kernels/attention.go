package kernels

import "math"

// Attention, head by head, as five (backward) or two (forward) small matrix
// products with the same micro-kernel as the matmul ops, plus a softmax per
// query row. A head's products run on one worker; the parallelism is
// across sequences and heads. Causal attention skips the tiles of each
// product that the mask makes zero or unused (the bands in gemm.go), and
// padding positions (valid) are left out of the products altogether.

// AttentionForward is multi-head scaled dot-product attention, as
// ref.AttentionForward: causal or bidirectional, with valid giving each
// sequence's number of real positions (nil: all T). att saves the softmax
// probabilities; entries that may not be attended to are zero.
// out is (B,T,C), att is (B,NH,T,T), qkv is (B,T,3C), valid is (B) or nil.
func AttentionForward(out, att, qkv []float32, valid []int, B, T, C, NH int, causal bool) {
	checkAttention(out, att, qkv, valid, B, T, C, NH)
	p := lockPool()
	defer p.unlock()
	t := &attentionJob
	*t = attentionTask{out: out, att: att, qkv: qkv, valid: valid, B: B, T: T, C: C, NH: NH, causal: causal}
	p.parallel(B*NH, t)
	*t = attentionTask{}
}

// AttentionBackward adds the gradient of AttentionForward into dqkv, as
// ref.AttentionBackward.
// dqkv is (B,T,3C), dout is (B,T,C), qkv is (B,T,3C), att is (B,NH,T,T),
// valid is (B) or nil.
func AttentionBackward(dqkv, dout, qkv, att []float32, valid []int, B, T, C, NH int, causal bool) {
	checkAttention(dout, att, qkv, valid, B, T, C, NH)
	need(dqkv, B*T*3*C)
	p := lockPool()
	defer p.unlock()
	t := &attentionJob
	*t = attentionTask{backward: true, out: dout, dqkv: dqkv, att: att, qkv: qkv, valid: valid,
		B: B, T: T, C: C, NH: NH, causal: causal}
	p.parallel(B*NH, t)
	*t = attentionTask{}
}

// attentionJob is the attention op in flight; the pool's lock guards it.
var attentionJob attentionTask

type attentionTask struct {
	backward            bool
	out, att, qkv, dqkv []float32 // backward: out is dout
	valid               []int
	B, T, C, NH         int
	causal              bool
}

// head is one sequence's and one head's view of the op's tensors.
type head struct {
	T, C, hs, n int // n real positions
	causal      bool
	scoreScale  float32 // 1/sqrt(hs)
	qkv, dqkv   []float32
	out         []float32 // rows of stride C, from the head's first channel
	att         []float32 // (T,T)
}

func (t *attentionTask) run(job, worker int) {
	b, h := job/t.NH, job%t.NH
	T, C := t.T, t.C
	hs := C / t.NH
	hd := head{T: T, C: C, hs: hs, n: T, causal: t.causal,
		scoreScale: float32(1 / math.Sqrt(float64(hs))),
		qkv:        t.qkv[b*T*3*C+h*hs:],
		out:        t.out[b*T*C+h*hs:],
		att:        t.att[(b*t.NH+h)*T*T:][:T*T]}
	if t.valid != nil {
		hd.n = t.valid[b]
	}
	if t.backward {
		hd.dqkv = t.dqkv[b*T*3*C+h*hs:]
		hd.backward(worker)
		return
	}
	hd.forward(worker)
}

// Operands of a head's products; q, k and v are (n,hs) with row stride 3C.
func (hd *head) q() []float32 { return hd.qkv }
func (hd *head) k() []float32 { return hd.qkv[hd.C:] }
func (hd *head) v() []float32 { return hd.qkv[2*hd.C:] }

// keys is how many leading positions query tq attends to.
func (hd *head) keys(tq int) int {
	switch {
	case tq >= hd.n:
		return 0
	case hd.causal:
		return tq + 1
	}
	return hd.n
}

// bands for products whose rows are queries and whose columns (scores) or
// summed index (weighted sums) are keys: under a causal mask query t needs
// keys up to t only.
func (hd *head) bands() (scores, weighted, transposed band) {
	if hd.causal {
		return columnsUpToRow, summedUpToRow, summedFromRow
	}
	return fullBand, fullBand, fullBand
}

func (hd *head) forward(worker int) {
	T, n, C3 := hd.T, hd.n, 3*hd.C
	scores, weighted, _ := hd.bands()
	// att = q·kᵀ, then a softmax of each row scaled by 1/sqrt(hs).
	smallProduct(worker, n, n, hd.hs, operand{hd.q(), C3, 1}, operand{hd.k(), C3, 1}, hd.att, T, false, scores)
	for tq := range T {
		row := hd.att[tq*T : tq*T+T]
		keys := hd.keys(tq)
		clear(row[keys:])
		if keys > 0 {
			visible := row[:keys]
			scale(hd.scoreScale, visible)
			scale(1/expSum(visible, visible, maxOf(visible)), visible)
		}
	}
	// out = att·v.
	smallProduct(worker, n, hd.hs, n, operand{hd.att, T, 1}, operand{hd.v(), 1, C3}, hd.out, hd.C, false, weighted)
	for tq := n; tq < T; tq++ {
		clear(hd.out[tq*hd.C : tq*hd.C+hd.hs])
	}
}

// backward adds the head's gradients; hd.out holds dout.
func (hd *head) backward(worker int) {
	T, n, C, C3 := hd.T, hd.n, hd.C, 3*hd.C
	if n == 0 {
		return
	}
	scores, weighted, transposed := hd.bands()
	// datt = dout·vᵀ, in the worker's scratch as (n,n).
	datt := pool.row(worker, n*n)
	smallProduct(worker, n, n, hd.hs, operand{hd.out, C, 1}, operand{hd.v(), C3, 1}, datt, n, false, scores)
	// Through the softmax: dscore = att·(datt - Σ att·datt), scaled as the
	// scores were.
	for tq := range n {
		keys := hd.keys(tq)
		a, d := hd.att[tq*T:tq*T+keys], datt[tq*n:tq*n+n]
		softmaxBackwardRow(d[:keys], a, dot(a, d[:keys]), hd.scoreScale)
		clear(d[keys:])
	}
	dq, dk, dv := hd.dqkv, hd.dqkv[C:], hd.dqkv[2*C:]
	// dv += attᵀ·dout; dq += dscore·k; dk += dscoreᵀ·q.
	smallProduct(worker, n, hd.hs, n, operand{hd.att, 1, T}, operand{hd.out, 1, C}, dv, C3, true, transposed)
	smallProduct(worker, n, hd.hs, n, operand{datt, n, 1}, operand{hd.k(), 1, C3}, dq, C3, true, weighted)
	smallProduct(worker, n, hd.hs, n, operand{datt, 1, n}, operand{hd.q(), 1, C3}, dk, C3, true, transposed)
}

func checkAttention(out, att, qkv []float32, valid []int, B, T, C, NH int) {
	dims(B, T, C, NH)
	if NH == 0 || C%NH != 0 {
		panic(ErrDimension)
	}
	need(out, B*T*C)
	need(att, B*NH*T*T)
	need(qkv, B*T*3*C)
	if valid == nil {
		return
	}
	if len(valid) < B {
		panic(ErrDimension)
	}
	for _, n := range valid[:B] {
		if n < 0 || n > T {
			panic(ErrValidLength)
		}
	}
}
