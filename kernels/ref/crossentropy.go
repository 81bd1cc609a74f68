package ref

import "math"

// SoftmaxCrossEntropyForward turns each position's V logits into
// probabilities and scores them against the target class. losses[bt] is
// -log(probs[bt][target]), or 0 where the target is IgnoreIndex. The return
// value is the mean loss over the positions that are not ignored (0 if all
// are), which is the number a training loop reports and differentiates.
// probs may be the same slice as logits: each row is read before it is
// overwritten.
// losses is (B,T), probs is (B,T,V), logits is (B,T,V), targets is (B,T).
func SoftmaxCrossEntropyForward(losses, probs, logits []float32, targets []int32, B, T, V int) float32 {
	checkCrossEntropy(losses, probs, logits, targets, B, T, V)
	var total float64
	counted := 0
	for bt := 0; bt < B*T; bt++ {
		z := logits[bt*V : bt*V+V]
		// The log of the softmax normaliser, shifted by the largest logit
		// so that exp never overflows.
		maxLogit := math.Inf(-1)
		for _, v := range z {
			maxLogit = math.Max(maxLogit, float64(v))
		}
		var sum float64
		for _, v := range z {
			sum += math.Exp(float64(v) - maxLogit)
		}
		logNorm := maxLogit + math.Log(sum)
		target := targets[bt]
		losses[bt] = 0
		if target != IgnoreIndex {
			loss := logNorm - float64(z[target])
			losses[bt] = float32(loss)
			total += loss
			counted++
		}
		p := probs[bt*V : bt*V+V]
		for i, v := range z {
			p[i] = float32(math.Exp(float64(v) - logNorm))
		}
	}
	if counted == 0 {
		return 0
	}
	return float32(total / float64(counted))
}

// SoftmaxCrossEntropyBackward adds dloss times the gradient of the mean loss
// that SoftmaxCrossEntropyForward returned into dlogits: for each position
// that is not ignored, (probs - onehot(target)) · dloss / count, where count
// is the number of positions that are not ignored. Ignored positions get
// nothing. dloss is usually 1 (or a loss weight).
// dlogits is (B,T,V), probs is (B,T,V), targets is (B,T).
func SoftmaxCrossEntropyBackward(dlogits, probs []float32, targets []int32, dloss float32, B, T, V int) {
	checkCrossEntropy(nil, probs, dlogits, targets, B, T, V)
	counted := CountTargets(targets[:B*T])
	if counted == 0 {
		return
	}
	scale := float64(dloss) / float64(counted)
	for bt := 0; bt < B*T; bt++ {
		target := int(targets[bt])
		if target == IgnoreIndex {
			continue
		}
		p := probs[bt*V : bt*V+V]
		d := dlogits[bt*V : bt*V+V]
		for i := range p {
			g := float64(p[i])
			if i == target {
				g--
			}
			d[i] += float32(g * scale)
		}
	}
}

// CountTargets is the number of targets that are not IgnoreIndex: the
// denominator of the mean loss.
func CountTargets(targets []int32) int {
	n := 0
	for _, t := range targets {
		if t != IgnoreIndex {
			n++
		}
	}
	return n
}

func checkCrossEntropy(losses, probs, logits []float32, targets []int32, B, T, V int) {
	dims(B, T, V)
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
