package kernels

import "math"

// AttentionForward is multi-head scaled dot-product attention, as
// ref.AttentionForward: causal or bidirectional, with valid giving each
// sequence's number of real positions (nil: all T). att saves the softmax
// probabilities; entries that may not be attended to are zero.
// out is (B,T,C), att is (B,NH,T,T), qkv is (B,T,3C), valid is (B) or nil.
//
// Work is split by sequence, head and a range of query positions; each
// query row is a dot product per visible key, a softmax written straight
// into att, and a weighted sum of value vectors.
func AttentionForward(out, att, qkv []float32, valid []int, B, T, C, NH int, causal bool) {
	checkAttention(out, att, qkv, valid, B, T, C, NH)
	p := lockPool()
	defer p.unlock()
	t := &attentionJob
	*t = attentionTask{out: out, att: att, qkv: qkv, valid: valid, B: B, T: T, C: C, NH: NH, causal: causal}
	// Enough query ranges per head for about four jobs per worker.
	t.rowChunks = min(T, max(1, ceilDiv(4*p.workers, max(1, B*NH))))
	t.rowsPerJob = ceilDiv(T, t.rowChunks)
	t.rowChunks = ceilDiv(T, max(1, t.rowsPerJob))
	p.parallel(B*NH*t.rowChunks, t)
	*t = attentionTask{}
}

// AttentionBackward adds the gradient of AttentionForward into dqkv, as
// ref.AttentionBackward. Every query row of a head adds into the keys' and
// values' gradients of that head, so the work is split by sequence and head
// only, which keeps workers from writing to the same elements.
// dqkv is (B,T,3C), dout is (B,T,C), qkv is (B,T,3C), att is (B,NH,T,T),
// valid is (B) or nil.
func AttentionBackward(dqkv, dout, qkv, att []float32, valid []int, B, T, C, NH int, causal bool) {
	checkAttention(dout, att, qkv, valid, B, T, C, NH)
	need(dqkv, B*T*3*C)
	p := lockPool()
	defer p.unlock()
	t := &attentionJob
	*t = attentionTask{backward: true, out: dout, dqkv: dqkv, att: att, qkv: qkv, valid: valid,
		B: B, T: T, C: C, NH: NH, causal: causal, rowChunks: 1, rowsPerJob: T}
	p.parallel(B*NH, t)
	*t = attentionTask{}
}

// attentionJob is the attention op in flight; the pool's lock guards it.
var attentionJob attentionTask

type attentionTask struct {
	backward              bool
	out, att, qkv, dqkv   []float32 // backward: out is dout
	valid                 []int
	B, T, C, NH           int
	causal                bool
	rowChunks, rowsPerJob int
}

func (t *attentionTask) run(job, worker int) {
	chunk := job % t.rowChunks
	bh := job / t.rowChunks
	b, h := bh/t.NH, bh%t.NH
	n := t.T
	if t.valid != nil {
		n = t.valid[b]
	}
	first := chunk * t.rowsPerJob
	last := min(first+t.rowsPerJob, t.T)
	head := attentionHead{qkv: t.qkv, dqkv: t.dqkv, base: b * t.T * 3 * t.C, stride: 3 * t.C,
		offset: h * (t.C / t.NH), C: t.C, hs: t.C / t.NH,
		scale: float32(1 / math.Sqrt(float64(t.C/t.NH)))}
	for tq := first; tq < last; tq++ {
		a := t.att[((b*t.NH+h)*t.T+tq)*t.T:][:t.T]
		o := t.out[(b*t.T+tq)*t.C+head.offset:][:head.hs]
		keys := 0
		if tq < n {
			keys = n
			if t.causal {
				keys = tq + 1
			}
		}
		if t.backward {
			if keys > 0 {
				head.backwardRow(tq, keys, a[:keys], o, pool.row(worker, keys))
			}
			continue
		}
		clear(a[keys:])
		clear(o)
		if keys > 0 {
			head.forwardRow(tq, a[:keys], o)
		}
	}
}

// attentionHead addresses one sequence's and one head's slices of qkv.
type attentionHead struct {
	qkv, dqkv     []float32
	base, stride  int // start of the sequence in qkv, distance between positions
	offset, C, hs int // head's first channel, channels, head size
	scale         float32
}

func (h *attentionHead) q(t int) []float32 { return h.qkv[h.base+t*h.stride+h.offset:][:h.hs] }
func (h *attentionHead) k(t int) []float32 { return h.qkv[h.base+t*h.stride+h.C+h.offset:][:h.hs] }
func (h *attentionHead) v(t int) []float32 {
	return h.qkv[h.base+t*h.stride+2*h.C+h.offset:][:h.hs]
}
func (h *attentionHead) grad(part, t int) []float32 {
	return h.dqkv[h.base+t*h.stride+part*h.C+h.offset:][:h.hs]
}

// forwardRow computes query tq's probabilities over the keys 0..len(a)-1
// into a and its output into o (which starts at zero).
func (h *attentionHead) forwardRow(tq int, a, o []float32) {
	q := h.q(tq)
	for u := range a {
		a[u] = dot(q, h.k(u)) * h.scale
	}
	shift := maxOf(a)
	scale(1/expSum(a, a, shift), a)
	for u, p := range a {
		axpy(p, h.v(u), o)
	}
}

// backwardRow adds query tq's share of the gradient; a holds its
// probabilities over the visible keys, do its output gradient, datt is
// scratch of len(a).
func (h *attentionHead) backwardRow(tq, keys int, a, do, datt []float32) {
	var weighted float32
	for u, p := range a {
		datt[u] = dot(do, h.v(u))
		weighted += p * datt[u]
		axpy(p, do, h.grad(2, u))
	}
	q, dq := h.q(tq), h.grad(0, tq)
	for u, p := range a {
		dscore := p * (datt[u] - weighted) * h.scale
		axpy(dscore, h.k(u), dq)
		axpy(dscore, q, h.grad(1, u))
	}
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
