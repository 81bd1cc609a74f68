package kernels

import "math"

// SoftmaxCrossEntropyForward computes probabilities and per-position losses
// and returns the mean loss over positions whose target is not IgnoreIndex,
// as ref.SoftmaxCrossEntropyForward. probs may be the same slice as logits.
// losses is (B,T), probs is (B,T,V), logits is (B,T,V), targets is (B,T).
func SoftmaxCrossEntropyForward(losses, probs, logits []float32, targets []int32, B, T, V int) float32 {
	checkCrossEntropy(losses, probs, logits, targets, B, T, V)
	p := lockPool()
	defer p.unlock()
	t := &crossEntropyJob
	*t = crossEntropyTask{losses: losses, probs: probs, logits: logits, targets: targets[:B*T], V: V}
	t.jobs, t.size = chunks(B*T, 4*p.workers, max(1, elemChunk/max(1, V)))
	p.parallel(t.jobs, t)
	*t = crossEntropyTask{}
	var total float64
	counted := 0
	for bt, target := range targets[:B*T] {
		if target != IgnoreIndex {
			total += float64(losses[bt])
			counted++
		}
	}
	if counted == 0 {
		return 0
	}
	return float32(total / float64(counted))
}

// SoftmaxCrossEntropyBackward adds dloss times the gradient of the mean loss
// into dlogits, as ref.SoftmaxCrossEntropyBackward.
// dlogits is (B,T,V), probs is (B,T,V), targets is (B,T).
func SoftmaxCrossEntropyBackward(dlogits, probs []float32, targets []int32, dloss float32, B, T, V int) {
	checkCrossEntropy(nil, probs, dlogits, targets, B, T, V)
	counted := 0
	for _, target := range targets[:B*T] {
		if target != IgnoreIndex {
			counted++
		}
	}
	if counted == 0 {
		return
	}
	p := lockPool()
	defer p.unlock()
	t := &crossEntropyJob
	*t = crossEntropyTask{backward: true, probs: probs, logits: dlogits, targets: targets[:B*T], V: V,
		gradScale: dloss / float32(counted)}
	t.jobs, t.size = chunks(B*T, 4*p.workers, max(1, elemChunk/max(1, V)))
	p.parallel(t.jobs, t)
	*t = crossEntropyTask{}
}

// crossEntropyJob is the cross-entropy op in flight; the pool's lock
// guards it.
var crossEntropyJob crossEntropyTask

type crossEntropyTask struct {
	backward              bool
	losses, probs, logits []float32 // backward: logits is dlogits
	targets               []int32
	V                     int
	gradScale             float32
	jobs, size            int
}

func (t *crossEntropyTask) run(job, _ int) {
	lo := job * t.size
	hi := min(lo+t.size, len(t.targets))
	V := t.V
	for bt := lo; bt < hi; bt++ {
		target := int(t.targets[bt])
		p, z := t.probs[bt*V:bt*V+V], t.logits[bt*V:bt*V+V]
		if t.backward {
			if target != IgnoreIndex {
				// The target's element is set apart so that p-1 is formed
				// before scaling: for a confident prediction p is close to
				// 1, and adding gradScale·p then subtracting gradScale
				// would lose most of the digits of the difference.
				before := z[target]
				axpy(t.gradScale, p, z)
				z[target] = before + t.gradScale*(p[target]-1)
			}
			continue
		}
		var targetLogit float32
		if target != IgnoreIndex {
			targetLogit = z[target] // read before p, which may be z, is written
		}
		shift := maxOf(z)
		total := expSum(p, z, shift)
		logNorm := shift + float32(math.Log(float64(total)))
		scale(1/total, p)
		t.losses[bt] = 0
		if target != IgnoreIndex {
			t.losses[bt] = logNorm - targetLogit
		}
	}
}

func checkCrossEntropy(losses, probs, logits []float32, targets []int32, B, T, V int) {
	dims(B, T, V, 0)
	if losses != nil {
		need(losses, B*T)
	}
	need(probs, B*T*V)
	need(logits, B*T*V)
	if len(targets) < B*T {
		panic(ErrDimension)
	}
	for _, t := range targets[:B*T] {
		if t != IgnoreIndex && (t < 0 || int(t) >= V) {
			panic(ErrTarget)
		}
	}
}
