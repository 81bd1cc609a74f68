package ref

import "math"

// ErrStep is the panic message for an AdamW step number below 1.
const ErrStep = "kernels: AdamW step must be 1 or more"

// AdamWUpdate takes one AdamW step (Loshchilov & Hutter) for N parameters.
// m and v are the running first and second moments of the gradient, updated
// in place; step is the 1-based number of this update, used for the bias
// correction of m and v, which start at zero. Weight decay is decoupled: it
// shrinks params by lr·weightDecay·param, independently of the gradient's
// scale. Callers that exempt some tensors from decay (biases, LayerNorm
// gains) call this once per group with its own weightDecay.
// params is (N), grads is (N), m is (N), v is (N).
func AdamWUpdate(params, grads, m, v []float32, N, step int, lr, beta1, beta2, eps, weightDecay float32) {
	dims(N)
	need(params, N)
	need(grads, N)
	need(m, N)
	need(v, N)
	if step < 1 {
		panic(ErrStep)
	}
	b1, b2 := float64(beta1), float64(beta2)
	correct1 := 1 - math.Pow(b1, float64(step))
	correct2 := 1 - math.Pow(b2, float64(step))
	for i := range N {
		g := float64(grads[i])
		mi := b1*float64(m[i]) + (1-b1)*g
		vi := b2*float64(v[i]) + (1-b2)*g*g
		m[i], v[i] = float32(mi), float32(vi)
		mHat := mi / correct1
		vHat := vi / correct2
		p := float64(params[i])
		p -= float64(lr) * (mHat/(math.Sqrt(vHat)+float64(eps)) + float64(weightDecay)*p)
		params[i] = float32(p)
	}
}
