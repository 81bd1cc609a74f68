package ref

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The gradient checks compare each backward op with central differences of
// a scalar loss L = Σ r_i·out_i, where r is a fixed random projection of the
// op's output; dL/dout is then r, which is what the backward op is fed.
//
// The forward ops compute in float32, so a difference quotient with step h
// carries a rounding error of about 1e-7·|L|/h on top of the O(h²)
// truncation error. With h = 1e-2 and values of order 1 both stay near 1e-4,
// so the checks ask for agreement to gradTol relative to the larger of the
// element and the gradient's largest element (a few significant digits is
// all float32 finite differences can confirm; a wrong formula misses by
// order 1).
const (
	gradStep = 1e-2
	gradTol  = 1e-2
)

func randomSlice(rng *rand.Rand, n int, scale float64) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64() * scale)
	}
	return s
}

// project is Σ r_i·out_i in float64.
func project(r, out []float32) float64 {
	var sum float64
	for i := range r {
		sum += float64(r[i]) * float64(out[i])
	}
	return sum
}

// checkGrad perturbs each element of x by ±gradStep, re-evaluates loss and
// compares the central difference with analytic.
func checkGrad(t *testing.T, name string, x, analytic []float32, loss func() float64) {
	t.Helper()
	numeric := make([]float64, len(x))
	largest := 0.0
	for i := range x {
		saved := x[i]
		x[i] = saved + gradStep
		up, hi := loss(), float64(x[i])
		x[i] = saved - gradStep
		down, lo := loss(), float64(x[i])
		x[i] = saved
		numeric[i] = (up - down) / (hi - lo)
		largest = math.Max(largest, math.Abs(numeric[i]))
	}
	if largest == 0 {
		t.Fatalf("%s: the loss does not depend on this input; the check proves nothing", name)
	}
	failures := 0
	for i := range x {
		a, n := float64(analytic[i]), numeric[i]
		if math.Abs(a-n) > gradTol*math.Max(math.Abs(n), largest) {
			if failures < 5 {
				t.Errorf("%s[%d]: analytic %.6g, numeric %.6g", name, i, a, n)
			}
			failures++
		}
	}
	if failures > 0 {
		t.Errorf("%s: %d of %d elements disagree", name, failures, len(x))
	}
}

func TestGradEncoder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	B, T, C, V := 2, 3, 4, 5
	tokens := []int32{1, 4, 1, 0, 1, 3} // token 1 three times: gradients must add up
	wte, wpe := randomSlice(rng, V*C, 1), randomSlice(rng, T*C, 1)
	out := make([]float32, B*T*C)
	r := randomSlice(rng, B*T*C, 1)
	loss := func() float64 {
		EncoderForward(out, tokens, wte, wpe, B, T, C)
		return project(r, out)
	}
	dwte, dwpe := make([]float32, V*C), make([]float32, T*C)
	EncoderBackward(dwte, dwpe, r, tokens, B, T, C)
	checkGrad(t, "dwte", wte, dwte, loss)
	checkGrad(t, "dwpe", wpe, dwpe, loss)
}

func TestGradLayerNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	B, T, C := 2, 3, 7
	inp := randomSlice(rng, B*T*C, 1)
	weight, bias := randomSlice(rng, C, 1), randomSlice(rng, C, 1)
	out, mean, rstd := make([]float32, B*T*C), make([]float32, B*T), make([]float32, B*T)
	r := randomSlice(rng, B*T*C, 1)
	loss := func() float64 {
		LayerNormForward(out, mean, rstd, inp, weight, bias, B, T, C)
		return project(r, out)
	}
	loss()
	dinp, dweight, dbias := make([]float32, B*T*C), make([]float32, C), make([]float32, C)
	LayerNormBackward(dinp, dweight, dbias, r, inp, weight, mean, rstd, B, T, C)
	checkGrad(t, "dinp", inp, dinp, loss)
	checkGrad(t, "dweight", weight, dweight, loss)
	checkGrad(t, "dbias", bias, dbias, loss)
}

func TestGradMatmul(t *testing.T) {
	for _, withBias := range []bool{true, false} {
		rng := rand.New(rand.NewPCG(5, 6))
		B, T, C, OC := 2, 3, 5, 4
		inp, weight := randomSlice(rng, B*T*C, 1), randomSlice(rng, OC*C, 1)
		var bias, dbias []float32
		if withBias {
			bias, dbias = randomSlice(rng, OC, 1), make([]float32, OC)
		}
		out := make([]float32, B*T*OC)
		r := randomSlice(rng, B*T*OC, 1)
		loss := func() float64 {
			MatmulForward(out, inp, weight, bias, B, T, C, OC)
			return project(r, out)
		}
		dinp, dweight := make([]float32, B*T*C), make([]float32, OC*C)
		MatmulBackward(dinp, dweight, dbias, r, inp, weight, B, T, C, OC)
		checkGrad(t, "dinp", inp, dinp, loss)
		checkGrad(t, "dweight", weight, dweight, loss)
		if withBias {
			checkGrad(t, "dbias", bias, dbias, loss)
		}
	}
}

func TestGradAttention(t *testing.T) {
	cases := []struct {
		name   string
		causal bool
		valid  []int
	}{
		{"causal", true, nil},
		{"bidirectional", false, nil},
		{"causal padded", true, []int{4, 2}},
		{"bidirectional padded", false, []int{3, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 8))
			B, T, C, NH := 2, 4, 6, 2
			qkv := randomSlice(rng, B*T*3*C, 1)
			out, att := make([]float32, B*T*C), make([]float32, B*NH*T*T)
			r := randomSlice(rng, B*T*C, 1)
			loss := func() float64 {
				AttentionForward(out, att, qkv, tc.valid, B, T, C, NH, tc.causal)
				return project(r, out)
			}
			loss()
			dqkv := make([]float32, B*T*3*C)
			AttentionBackward(dqkv, r, qkv, att, tc.valid, B, T, C, NH, tc.causal)
			checkGrad(t, "dqkv", qkv, dqkv, loss)
		})
	}
}

func TestGradGelu(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	N := 40
	inp := randomSlice(rng, N, 2)
	out := make([]float32, N)
	r := randomSlice(rng, N, 1)
	loss := func() float64 {
		GeluForward(out, inp, N)
		return project(r, out)
	}
	dinp := make([]float32, N)
	GeluBackward(dinp, inp, r, N)
	checkGrad(t, "dinp", inp, dinp, loss)
}

func TestGradResidual(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	N := 10
	a, b := randomSlice(rng, N, 1), randomSlice(rng, N, 1)
	out := make([]float32, N)
	r := randomSlice(rng, N, 1)
	loss := func() float64 {
		ResidualForward(out, a, b, N)
		return project(r, out)
	}
	da, db := make([]float32, N), make([]float32, N)
	ResidualBackward(da, db, r, N)
	checkGrad(t, "dinp1", a, da, loss)
	checkGrad(t, "dinp2", b, db, loss)
}

func TestGradSoftmaxCrossEntropy(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	B, T, V := 2, 3, 7
	logits := randomSlice(rng, B*T*V, 2)
	targets := []int32{3, IgnoreIndex, 0, 6, IgnoreIndex, 2}
	losses, probs := make([]float32, B*T), make([]float32, B*T*V)
	const dloss = 1.5 // a loss weight, to check that the gradient is scaled by it
	loss := func() float64 {
		SoftmaxCrossEntropyForward(losses, probs, logits, targets, B, T, V)
		var sum float64
		for _, l := range losses {
			sum += float64(l)
		}
		return dloss * sum / float64(CountTargets(targets))
	}
	loss()
	dlogits := make([]float32, B*T*V)
	SoftmaxCrossEntropyBackward(dlogits, probs, targets, dloss, B, T, V)
	checkGrad(t, "dlogits", logits, dlogits, loss)
}

func TestGradDistill(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	B, T, V := 2, 3, 5
	logits, teacher := randomSlice(rng, B*T*V, 2), randomSlice(rng, B*T*V, 2)
	targets := []int32{1, IgnoreIndex, 4, 0, IgnoreIndex, 2}
	losses, probs, gaps := make([]float32, B*T), make([]float32, B*T*V), make([]float32, B*T*V)
	const dloss = 1.5
	for _, c := range []struct{ temp, alpha float32 }{{2, 0.5}, {1, 1}, {4, 0.9}, {0.5, 0.3}} {
		loss := func() float64 {
			return dloss * float64(DistillForward(losses, probs, gaps, logits, teacher, targets, B, T, V, c.temp, c.alpha))
		}
		loss()
		dlogits := make([]float32, B*T*V)
		DistillBackward(dlogits, probs, gaps, targets, dloss, B, T, V, c.temp, c.alpha)
		checkGrad(t, fmt.Sprintf("dlogits (T=%v, alpha=%v)", c.temp, c.alpha), logits, dlogits, loss)
	}
}

// TestDistillSoftTerm checks the soft term against its definition: zero
// when the student's logits equal the teacher's, and temp²·KL computed
// from the softened distributions otherwise; and that alpha = 0 gives
// exactly the cross-entropy op's numbers.
func TestDistillSoftTerm(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	B, T, V := 1, 2, 4
	logits, teacher := randomSlice(rng, B*T*V, 2), randomSlice(rng, B*T*V, 2)
	targets := []int32{2, 0}
	losses, probs, gaps := make([]float32, B*T), make([]float32, B*T*V), make([]float32, B*T*V)
	if l := DistillForward(losses, probs, gaps, logits, logits, targets, B, T, V, 3, 1); math.Abs(float64(l)) > 1e-6 {
		t.Errorf("student = teacher: soft loss %g, want 0", l)
	}
	const temp = 2
	got := DistillForward(losses, probs, gaps, logits, teacher, targets, B, T, V, temp, 1)
	var want float64
	for bt := range B * T {
		ps, pt := softmax64(logits[bt*V:bt*V+V], temp), softmax64(teacher[bt*V:bt*V+V], temp)
		for i := range ps {
			want += pt[i] * math.Log(pt[i]/ps[i])
		}
	}
	want *= temp * temp / float64(B*T)
	if math.Abs(float64(got)-want) > 1e-5 {
		t.Errorf("soft loss %.7f, want temp²·KL %.7f", got, want)
	}

	ceLosses, ceProbs := make([]float32, B*T), make([]float32, B*T*V)
	ce := SoftmaxCrossEntropyForward(ceLosses, ceProbs, logits, targets, B, T, V)
	l := DistillForward(losses, probs, gaps, logits, teacher, targets, B, T, V, temp, 0)
	ceGrad, grad := make([]float32, B*T*V), make([]float32, B*T*V)
	SoftmaxCrossEntropyBackward(ceGrad, ceProbs, targets, 1, B, T, V)
	DistillBackward(grad, probs, gaps, targets, 1, B, T, V, temp, 0)
	if l != ce || !slices.Equal(losses, ceLosses) || !slices.Equal(probs, ceProbs) || !slices.Equal(grad, ceGrad) {
		t.Errorf("alpha = 0: loss %v, want the cross-entropy's %v exactly (losses, probs and gradient too)", l, ce)
	}
}

func softmax64(z []float32, temp float64) []float64 {
	out := make([]float64, len(z))
	var sum float64
	for i, v := range z {
		out[i] = math.Exp(float64(v) / temp)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}
