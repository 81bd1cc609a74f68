package ref

import "math"

// DistillForward is knowledge distillation's loss: at each position whose
// target is not IgnoreIndex,
//
//	loss = alpha·temp²·KL(softmax(teacher/temp) ‖ softmax(logits/temp))
//	     + (1-alpha)·(-log softmax(logits)[target])
//
// The temp² keeps the soft term's gradient on the scale of the hard
// term's whatever the temperature (Hinton et al., 2015). losses[bt] is that
// loss (0 at ignored positions) and the return value is their mean over the
// positions that are not ignored, as SoftmaxCrossEntropyForward's. With
// alpha = 0 every number equals SoftmaxCrossEntropyForward's exactly.
//
// For the backward pass probs gets softmax(logits) and gaps gets
// softmax(logits/temp) - softmax(teacher/temp) (0 at ignored positions).
// gaps may be the same slice as teacher: each row is read before it is
// overwritten.
// losses is (B,T); probs, gaps, logits and teacher are (B,T,V); targets is (B,T).
func DistillForward(losses, probs, gaps, logits, teacher []float32, targets []int32, B, T, V int, temp, alpha float32) float32 {
	checkCrossEntropy(losses, probs, logits, targets, B, T, V)
	need(gaps, B*T*V)
	need(teacher, B*T*V)
	checkDistill(temp, alpha)
	var total float64
	counted := 0
	for bt := 0; bt < B*T; bt++ {
		z, zt := logits[bt*V:bt*V+V], teacher[bt*V:bt*V+V]
		p, gap := probs[bt*V:bt*V+V], gaps[bt*V:bt*V+V]
		logNorm := logSumExp(z, 1)
		target := targets[bt]
		losses[bt] = 0
		if target == IgnoreIndex {
			clear(gap)
		} else {
			a, tau := float64(alpha), float64(temp)
			hard := logNorm - float64(z[target])
			soft := softGap(gap, z, zt, tau)
			loss := a*tau*tau*soft + (1-a)*hard
			losses[bt] = float32(loss)
			total += loss
			counted++
		}
		for i, v := range z {
			p[i] = float32(math.Exp(float64(v) - logNorm))
		}
	}
	if counted == 0 {
		return 0
	}
	return float32(total / float64(counted))
}

// softGap writes softmax(z/tau) - softmax(zt/tau) into gap and returns
// KL(softmax(zt/tau) ‖ softmax(z/tau)). gap may be zt.
func softGap(gap, z, zt []float32, tau float64) float64 {
	student, teacher := logSumExp(z, tau), logSumExp(zt, tau)
	var kl float64
	for i := range z {
		logS := float64(z[i])/tau - student
		logT := float64(zt[i])/tau - teacher
		pt := math.Exp(logT)
		kl += pt * (logT - logS)
		gap[i] = float32(math.Exp(logS) - pt)
	}
	return kl
}

// logSumExp is log Σ exp(z_i/tau), shifted by the largest logit so that
// exp never overflows.
func logSumExp(z []float32, tau float64) float64 {
	maxLogit := math.Inf(-1)
	for _, v := range z {
		maxLogit = math.Max(maxLogit, float64(v)/tau)
	}
	var sum float64
	for _, v := range z {
		sum += math.Exp(float64(v)/tau - maxLogit)
	}
	return maxLogit + math.Log(sum)
}

// DistillBackward adds dloss times the gradient of the mean loss that
// DistillForward returned into dlogits: for each position that is not
// ignored, (alpha·temp·gap + (1-alpha)·(probs - onehot(target)))·dloss/count.
// The soft term's gradient is temp²·(1/temp)·gap: the temperature divides
// the logits once.
// dlogits, probs and gaps are (B,T,V), targets is (B,T).
func DistillBackward(dlogits, probs, gaps []float32, targets []int32, dloss float32, B, T, V int, temp, alpha float32) {
	checkCrossEntropy(nil, probs, dlogits, targets, B, T, V)
	need(gaps, B*T*V)
	checkDistill(temp, alpha)
	counted := CountTargets(targets[:B*T])
	if counted == 0 {
		return
	}
	scale := float64(dloss) / float64(counted)
	a, tau := float64(alpha), float64(temp)
	for bt := 0; bt < B*T; bt++ {
		target := int(targets[bt])
		if target == IgnoreIndex {
			continue
		}
		p, gap := probs[bt*V:bt*V+V], gaps[bt*V:bt*V+V]
		d := dlogits[bt*V : bt*V+V]
		for i := range p {
			hard := float64(p[i])
			if i == target {
				hard--
			}
			d[i] += float32((a*tau*float64(gap[i]) + (1-a)*hard) * scale)
		}
	}
}

// ErrDistill is the panic message for a temperature that is not a
// positive number or a weight alpha outside [0,1].
const ErrDistill = "kernels: distillation needs temperature > 0 and alpha in [0,1]"

func checkDistill(temp, alpha float32) {
	if !(temp > 0) || math.IsInf(float64(temp), 0) || !(alpha >= 0 && alpha <= 1) {
		panic(ErrDistill)
	}
}
