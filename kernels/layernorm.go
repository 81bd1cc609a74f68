package kernels

import "math"

// LayerNormForward normalises each position and applies weight and bias, as
// ref.LayerNormForward, saving mean and rstd.
// out is (B,T,C), mean is (B,T), rstd is (B,T), inp is (B,T,C),
// weight is (C), bias is (C).
func LayerNormForward(out, mean, rstd, inp, weight, bias []float32, B, T, C int) {
	dims(B, T, C, 0)
	need(out, B*T*C)
	need(mean, B*T)
	need(rstd, B*T)
	need(inp, B*T*C)
	need(weight, C)
	need(bias, C)
	p := lockPool()
	defer p.unlock()
	t := &layerNormJob
	*t = layerNormTask{out: out, mean: mean, rstd: rstd, inp: inp, weight: weight[:C], bias: bias[:C], BT: B * T, C: C}
	t.jobs, t.size = chunks(B*T, 4*p.workers, max(1, elemChunk/max(1, C)))
	p.parallel(t.jobs, t)
	*t = layerNormTask{}
}

// LayerNormBackward adds LayerNorm's gradients into dinp, dweight and dbias,
// as ref.LayerNormBackward. Positions are split across workers; each worker
// sums its share of dweight and dbias in its own scratch row, and the rows
// are added into dweight and dbias at the end.
// dinp is (B,T,C), dweight is (C), dbias is (C), dout is (B,T,C),
// inp is (B,T,C), weight is (C), mean is (B,T), rstd is (B,T).
func LayerNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd []float32, B, T, C int) {
	dims(B, T, C, 0)
	need(dinp, B*T*C)
	need(dweight, C)
	need(dbias, C)
	need(dout, B*T*C)
	need(inp, B*T*C)
	need(weight, C)
	need(mean, B*T)
	need(rstd, B*T)
	p := lockPool()
	defer p.unlock()
	t := &layerNormJob
	*t = layerNormTask{backward: true, out: dinp, dout: dout, inp: inp, weight: weight[:C],
		mean: mean, rstd: rstd, BT: B * T, C: C}
	t.jobs, t.size = chunks(B*T, 4*p.workers, max(1, elemChunk/max(1, C)))
	for w := range p.workers {
		clear(p.row(w, 2*C))
	}
	p.parallel(t.jobs, t)
	for w := range p.workers {
		partial := p.row(w, 2*C)
		axpyGo(1, partial[:C], dweight[:C])
		axpyGo(1, partial[C:], dbias[:C])
	}
	*t = layerNormTask{}
}

// layerNormJob is the LayerNorm op in flight; the pool's lock guards it.
var layerNormJob layerNormTask

type layerNormTask struct {
	backward             bool
	out, mean, rstd, inp []float32 // backward: out is dinp
	weight, bias, dout   []float32
	BT, C                int
	jobs, size           int
}

func (t *layerNormTask) run(job, worker int) {
	lo := job * t.size
	hi := min(lo+t.size, t.BT)
	C := t.C
	if t.backward {
		partial := pool.row(worker, 2*C)
		for bt := lo; bt < hi; bt++ {
			layerNormBackwardRow(t.out[bt*C:bt*C+C], partial[:C], partial[C:], t.dout[bt*C:bt*C+C],
				t.inp[bt*C:bt*C+C], t.weight, t.mean[bt], t.rstd[bt])
		}
		return
	}
	for bt := lo; bt < hi; bt++ {
		t.mean[bt], t.rstd[bt] = layerNormRow(t.out[bt*C:bt*C+C], t.inp[bt*C:bt*C+C], t.weight, t.bias)
	}
}

// layerNormRowGo normalises one row and returns its mean and rstd. The two
// reductions over the row are taken in float64: a row whose values are
// close together has a small variance, and float32 sums would lose most of
// its digits (rstd, and so every output, would inherit the error). They
// cost little next to reading and writing the row.
func layerNormRowGo(out, x, weight, bias []float32) (mean, rstd float32) {
	n := float64(len(x))
	var total float64
	for _, v := range x {
		total += float64(v)
	}
	m := total / n
	var ss float64
	for _, v := range x {
		d := float64(v) - m
		ss += d * d
	}
	mean = float32(m)
	rstd = float32(1 / math.Sqrt(ss/n+LayerNormEps))
	out, weight, bias = out[:len(x)], weight[:len(x)], bias[:len(x)]
	for i, v := range x {
		out[i] = (v-mean)*rstd*weight[i] + bias[i]
	}
	return mean, rstd
}

// layerNormBackwardRow is one row of LayerNormBackward; see the reference
// for the formula. Its two means over the row are taken in float64 like
// the forward pass's.
func layerNormBackwardRow(dx, dweight, dbias, dout, x, weight []float32, mean, rstd float32) {
	n := len(x)
	dx, dweight, dbias, dout, weight = dx[:n], dweight[:n], dbias[:n], dout[:n], weight[:n]
	var dnSum, dnnSum float64
	for i, v := range x {
		norm := (v - mean) * rstd
		dn := weight[i] * dout[i]
		dnSum += float64(dn)
		dnnSum += float64(dn * norm)
	}
	dnMean, dnnMean := float32(dnSum/float64(n)), float32(dnnSum/float64(n))
	for i, v := range x {
		norm := (v - mean) * rstd
		d := dout[i]
		dbias[i] += d
		dweight[i] += norm * d
		dx[i] += rstd * (weight[i]*d - dnMean - norm*dnnMean)
	}
}
