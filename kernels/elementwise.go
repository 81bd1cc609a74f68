package kernels

import "math"

// The elementwise ops: GELU and the residual add. They are limited by
// memory bandwidth rather than arithmetic, so they only split large
// inputs across the pool (in chunks of at least elemChunk elements, below
// which waking a helper costs more than it saves).

const elemChunk = 1 << 14

// GELU's tanh approximation written as gelu(x) = x·sigmoid(2u) with
// u = geluK·(x + geluCubic·x³), which equals x/2·(1 + tanh(u)) and needs one
// exponential.
const (
	geluK     = float32(0.7978845608028654) // sqrt(2/π)
	geluCubic = float32(0.044715)
)

// GeluForward applies GELU (tanh approximation), as ref.GeluForward.
// out is (N), inp is (N).
func GeluForward(out, inp []float32, N int) {
	dims(N, 0, 0, 0)
	need(out, N)
	need(inp, N)
	runElementwise(elemTask{op: geluForwardOp, out: out[:N], a: inp[:N]}, N)
}

// GeluBackward adds dout times GELU's derivative into dinp, as
// ref.GeluBackward.
// dinp is (N), inp is (N), dout is (N).
func GeluBackward(dinp, inp, dout []float32, N int) {
	dims(N, 0, 0, 0)
	need(dinp, N)
	need(inp, N)
	need(dout, N)
	runElementwise(elemTask{op: geluBackwardOp, out: dinp[:N], a: inp[:N], b: dout[:N]}, N)
}

// ResidualForward adds two streams, as ref.ResidualForward.
// out is (N), inp1 is (N), inp2 is (N).
func ResidualForward(out, inp1, inp2 []float32, N int) {
	dims(N, 0, 0, 0)
	need(out, N)
	need(inp1, N)
	need(inp2, N)
	runElementwise(elemTask{op: residualForwardOp, out: out[:N], a: inp1[:N], b: inp2[:N]}, N)
}

// ResidualBackward adds dout into both inputs' gradients, as
// ref.ResidualBackward.
// dinp1 is (N), dinp2 is (N), dout is (N).
func ResidualBackward(dinp1, dinp2, dout []float32, N int) {
	dims(N, 0, 0, 0)
	need(dinp1, N)
	need(dinp2, N)
	need(dout, N)
	runElementwise(elemTask{op: residualBackwardOp, out: dinp1[:N], a: dinp2[:N], b: dout[:N]}, N)
}

type elemOp int

const (
	geluForwardOp elemOp = iota
	geluBackwardOp
	residualForwardOp
	residualBackwardOp
)

// elemJob is the elementwise op in flight; the pool's lock guards it.
var elemJob elemTask

// runElementwise runs task over N elements on the pool, in chunks.
func runElementwise(task elemTask, N int) {
	p := lockPool()
	defer p.unlock()
	t := &elemJob
	*t = task
	t.jobs, t.size = chunks(N, 4*p.workers, elemChunk)
	p.parallel(t.jobs, t)
	*t = elemTask{}
}

type elemTask struct {
	op         elemOp
	out, a, b  []float32
	jobs, size int
}

func (t *elemTask) run(job, _ int) {
	lo := job * t.size
	hi := min(lo+t.size, len(t.out))
	out, a := t.out[lo:hi], t.a[lo:hi]
	switch t.op {
	case geluForwardOp:
		geluForwardRange(out, a)
	case geluBackwardOp:
		geluBackwardRange(out, a, t.b[lo:hi])
	case residualForwardOp:
		b := t.b[lo:hi]
		for i := range out {
			out[i] = a[i] + b[i]
		}
	case residualBackwardOp: // out is dinp1, a is dinp2, b is dout
		d := t.b[lo:hi]
		for i, g := range d {
			out[i] += g
			a[i] += g
		}
	}
}

// geluSigmoid is sigmoid(2u), which equals (1 + tanh(u))/2, and du/dx.
func geluSigmoid(x float32) (s, du float32) {
	x2 := x * x
	u := geluK * x * (1 + geluCubic*x2)
	s = 1 / (1 + exp32(-2*u))
	return s, geluK * (1 + 3*geluCubic*x2)
}

func geluForwardGo(out, inp []float32) {
	out = out[:len(inp)]
	for i, x := range inp {
		s, _ := geluSigmoid(x)
		out[i] = x * s
	}
}

func geluBackwardGo(dinp, inp, dout []float32) {
	dinp, dout = dinp[:len(inp)], dout[:len(inp)]
	for i, x := range inp {
		s, du := geluSigmoid(x)
		// d/dx x·s(2u) = s + x·s·(1-s)·2·du/dx
		dinp[i] += (s + 2*x*s*(1-s)*du) * dout[i]
	}
}

// AdamWUpdate takes one AdamW step, as ref.AdamWUpdate, in float32 with the
// bias corrections computed once in float64.
// params is (N), grads is (N), m is (N), v is (N).
func AdamWUpdate(params, grads, m, v []float32, N, step int, lr, beta1, beta2, eps, weightDecay float32) {
	dims(N, 0, 0, 0)
	need(params, N)
	need(grads, N)
	need(m, N)
	need(v, N)
	if step < 1 {
		panic(ErrStep)
	}
	p := lockPool()
	defer p.unlock()
	t := &adamJob
	*t = adamTask{params: params[:N], grads: grads[:N], m: m[:N], v: v[:N],
		lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay,
		correct1: float32(1 / (1 - math.Pow(float64(beta1), float64(step)))),
		correct2: float32(1 / (1 - math.Pow(float64(beta2), float64(step)))),
	}
	t.jobs, t.size = chunks(N, 4*p.workers, elemChunk)
	p.parallel(t.jobs, t)
	*t = adamTask{}
}

// adamJob is the AdamW update in flight; the pool's lock guards it.
var adamJob adamTask

type adamTask struct {
	params, grads, m, v                []float32
	lr, beta1, beta2, eps, weightDecay float32
	correct1, correct2                 float32 // 1/(1-β^t)
	jobs, size                         int
}

func (t *adamTask) run(job, _ int) {
	lo := job * t.size
	hi := min(lo+t.size, len(t.params))
	params, grads, m, v := t.params[lo:hi], t.grads[lo:hi], t.m[lo:hi], t.v[lo:hi]
	grads, m, v = grads[:len(params)], m[:len(params)], v[:len(params)]
	for i, p := range params {
		g := grads[i]
		mi := t.beta1*m[i] + (1-t.beta1)*g
		vi := t.beta2*v[i] + (1-t.beta2)*g*g
		m[i], v[i] = mi, vi
		denom := float32(math.Sqrt(float64(vi*t.correct2))) + t.eps
		params[i] = p - t.lr*(mi*t.correct1/denom+t.weightDecay*p)
	}
}
