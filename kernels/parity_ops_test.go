package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tutor-dev/tutor/kernels/ref"
)

func TestParityEncoder(t *testing.T) {
	rng := newRand(t)
	for _, BT := range awkward {
		for _, C := range awkward {
			B, T, V := 1, BT, 5
			if BT > 1 {
				B, T = 3, BT // a batch of several sequences as well
			}
			tokens := make([]int32, B*T)
			for i := range tokens {
				tokens[i] = int32(rng.IntN(V)) // few tokens: many repeats
			}
			wte, wpe := randomSlice(rng, V*C, 1), randomSlice(rng, T*C, 1)
			want := make([]float32, B*T*C)
			got := randomSlice(rng, B*T*C, 1)
			ref.EncoderForward(want, tokens, wte, wpe, B, T, C)
			EncoderForward(got, tokens, wte, wpe, B, T, C)
			name := fmt.Sprintf("B%dT%dC%d", B, T, C)
			// The same single float32 addition per element: exact.
			assertClose(t, "out "+name, got, want, 0)

			dout := randomSlice(rng, B*T*C, 1)
			wantDwte, wantDwpe := randomSlice(rng, V*C, 1), randomSlice(rng, T*C, 1)
			gotDwte, gotDwpe := slices.Clone(wantDwte), slices.Clone(wantDwpe)
			ref.EncoderBackward(wantDwte, wantDwpe, dout, tokens, B, T, C)
			EncoderBackward(gotDwte, gotDwpe, dout, tokens, B, T, C)
			// Each element receives the same additions in the same order.
			assertClose(t, "dwte "+name, gotDwte, wantDwte, 0)
			assertClose(t, "dwpe "+name, gotDwpe, wantDwpe, 0)
		}
	}
}

// LayerNorm tolerance: the fast path takes the row means and variances in
// float64 like the reference but normalises in float32, and the backward
// pass adds dweight and dbias over positions in per-worker partial sums, a
// different order from the reference's: errors of a few float32 ulps
// relative to outputs of order 1, amplified by rstd for rows whose values
// lie close together. 2e-5 covers that and still catches a wrong formula.
const layerNormTol = 2e-5

func TestParityLayerNorm(t *testing.T) {
	rng := newRand(t)
	for _, BT := range awkward {
		for _, C := range awkward {
			B, T := 1, BT
			inp := randomSlice(rng, B*T*C, 3)
			for i := range inp {
				inp[i] += 2 // a mean away from zero
			}
			weight, bias := randomSlice(rng, C, 1), randomSlice(rng, C, 1)
			want, wantMean, wantRstd := make([]float32, B*T*C), make([]float32, B*T), make([]float32, B*T)
			got, gotMean, gotRstd := make([]float32, B*T*C), make([]float32, B*T), make([]float32, B*T)
			ref.LayerNormForward(want, wantMean, wantRstd, inp, weight, bias, B, T, C)
			LayerNormForward(got, gotMean, gotRstd, inp, weight, bias, B, T, C)
			name := fmt.Sprintf("T%dC%d", T, C)
			assertClose(t, "out "+name, got, want, layerNormTol)
			assertClose(t, "mean "+name, gotMean, wantMean, layerNormTol)
			assertClose(t, "rstd "+name, gotRstd, wantRstd, layerNormTol)

			dout := randomSlice(rng, B*T*C, 1)
			wantDinp, wantDw, wantDb := randomSlice(rng, B*T*C, 1), randomSlice(rng, C, 1), randomSlice(rng, C, 1)
			gotDinp, gotDw, gotDb := slices.Clone(wantDinp), slices.Clone(wantDw), slices.Clone(wantDb)
			ref.LayerNormBackward(wantDinp, wantDw, wantDb, dout, inp, weight, wantMean, wantRstd, B, T, C)
			LayerNormBackward(gotDinp, gotDw, gotDb, dout, inp, weight, wantMean, wantRstd, B, T, C)
			assertClose(t, "dinp "+name, gotDinp, wantDinp, layerNormTol)
			// dweight and dbias sum over the B·T positions: errors scale
			// with the terms, not with a sum that may cancel.
			assertCloseFloor(t, "dweight "+name, gotDw, wantDw, layerNormTol, sumScale(B*T))
			assertCloseFloor(t, "dbias "+name, gotDb, wantDb, layerNormTol, sumScale(B*T))
		}
	}
}

// Attention tolerance: float32 dot products over the head size and the
// float32 exponential (a few ulp) against float64 in the reference give
// errors of order 1e-6 relative to the typical output; the backward pass
// chains two more such sums. 1e-4 keeps a wide margin below the order-1
// errors of a wrong mask or index.
const attentionTol = 1e-4

func TestParityAttention(t *testing.T) {
	withEachMicroKernel(t, testParityAttention) // its products use the gemm's micro-kernels
}

func testParityAttention(t *testing.T) {
	rng := newRand(t)
	for _, T := range awkward {
		for _, hs := range []int{1, 3, 17, 64} {
			for _, causal := range []bool{true, false} {
				B, NH := 3, 3
				C := NH * hs
				valid := []int{T, rng.IntN(T + 1), 0} // full, random, empty
				for _, lengths := range [][]int{nil, valid} {
					name := fmt.Sprintf("T%d hs%d causal=%v valid=%v", T, hs, causal, lengths)
					qkv := randomSlice(rng, B*T*3*C, 1)
					want, wantAtt := make([]float32, B*T*C), make([]float32, B*NH*T*T)
					got, gotAtt := randomSlice(rng, B*T*C, 1), randomSlice(rng, B*NH*T*T, 1)
					ref.AttentionForward(want, wantAtt, qkv, lengths, B, T, C, NH, causal)
					AttentionForward(got, gotAtt, qkv, lengths, B, T, C, NH, causal)
					assertClose(t, "out "+name, got, want, attentionTol)
					assertClose(t, "att "+name, gotAtt, wantAtt, attentionTol)

					dout := randomSlice(rng, B*T*C, 1)
					wantD := randomSlice(rng, B*T*3*C, 1)
					gotD := slices.Clone(wantD)
					ref.AttentionBackward(wantD, dout, qkv, wantAtt, lengths, B, T, C, NH, causal)
					AttentionBackward(gotD, dout, qkv, wantAtt, lengths, B, T, C, NH, causal)
					assertClose(t, "dqkv "+name, gotD, wantD, attentionTol)
				}
			}
		}
	}
}

// GELU tolerance: the fast path evaluates the same formula in float32 with
// exp32 (a few ulp) where the reference uses float64 tanh: about 1e-6
// relative; 1e-5 allows for the cancellation in the derivative. Far left
// of zero GELU is a tiny negative number that the reference rounds to -0
// (1 + tanh(u) cancels) and the fast path does not, so errors are measured
// against at least 1, the scale of the inputs.
const geluTol = 1e-5

func TestParityGelu(t *testing.T) {
	rng := newRand(t)
	for _, N := range append(slices.Clone(awkward), 100_003) {
		inp := randomSlice(rng, N, 4)
		want, got := make([]float32, N), randomSlice(rng, N, 1)
		ref.GeluForward(want, inp, N)
		GeluForward(got, inp, N)
		assertCloseFloor(t, fmt.Sprintf("out N%d", N), got, want, geluTol, 1)
		dout := randomSlice(rng, N, 1)
		wantD := randomSlice(rng, N, 1)
		gotD := slices.Clone(wantD)
		ref.GeluBackward(wantD, inp, dout, N)
		GeluBackward(gotD, inp, dout, N)
		assertCloseFloor(t, fmt.Sprintf("dinp N%d", N), gotD, wantD, geluTol, 1)
	}
}

func TestParityResidual(t *testing.T) {
	rng := newRand(t)
	for _, N := range append(slices.Clone(awkward), 100_003) {
		a, b := randomSlice(rng, N, 1), randomSlice(rng, N, 1)
		want, got := make([]float32, N), randomSlice(rng, N, 1)
		ref.ResidualForward(want, a, b, N)
		ResidualForward(got, a, b, N)
		assertClose(t, "out", got, want, 0) // one float32 addition: exact
		dout := randomSlice(rng, N, 1)
		wantA, wantB := randomSlice(rng, N, 1), randomSlice(rng, N, 1)
		gotA, gotB := slices.Clone(wantA), slices.Clone(wantB)
		ref.ResidualBackward(wantA, wantB, dout, N)
		ResidualBackward(gotA, gotB, dout, N)
		assertClose(t, "dinp1", gotA, wantA, 0)
		assertClose(t, "dinp2", gotB, wantB, 0)
	}
}

// Cross-entropy tolerance: float32 exponentials (a few ulp) summed over V in
// float32 against float64 in the reference: a relative error of order 1e-6
// in each probability and in the normaliser; 2e-5 leaves margin for
// V=8192. A loss is the log-normaliser minus the target's logit, both of
// the logits' size (order 1 here), so a loss near zero is judged by its
// absolute error.
const crossEntropyTol = 2e-5

func TestParitySoftmaxCrossEntropy(t *testing.T) {
	rng := newRand(t)
	for _, BT := range awkward {
		for _, V := range append(slices.Clone(awkward), 8192) {
			B, T := 1, BT
			logits := randomSlice(rng, B*T*V, 3)
			targets := make([]int32, B*T)
			for i := range targets {
				targets[i] = int32(rng.IntN(V))
				if rng.IntN(4) == 0 {
					targets[i] = IgnoreIndex
				}
			}
			name := fmt.Sprintf("T%dV%d", T, V)
			wantLosses, wantProbs := make([]float32, B*T), make([]float32, B*T*V)
			wantMean := ref.SoftmaxCrossEntropyForward(wantLosses, wantProbs, logits, targets, B, T, V)
			// probs written over a copy of the logits: the aliasing the
			// contract allows.
			gotProbs := slices.Clone(logits)
			gotLosses := randomSlice(rng, B*T, 1)
			gotMean := SoftmaxCrossEntropyForward(gotLosses, gotProbs, gotProbs, targets, B, T, V)
			assertClose(t, "probs "+name, gotProbs, wantProbs, crossEntropyTol)
			assertCloseFloor(t, "losses "+name, gotLosses, wantLosses, crossEntropyTol, 1)
			assertCloseFloor(t, "mean "+name, []float32{gotMean}, []float32{wantMean}, crossEntropyTol, 1)

			wantD := randomSlice(rng, B*T*V, 1e-3)
			gotD := slices.Clone(wantD)
			ref.SoftmaxCrossEntropyBackward(wantD, wantProbs, targets, 1.5, B, T, V)
			SoftmaxCrossEntropyBackward(gotD, wantProbs, targets, 1.5, B, T, V)
			assertClose(t, "dlogits "+name, gotD, wantD, crossEntropyTol)
		}
	}
}

// AdamW tolerance: the same update in float32 instead of float64; each
// parameter moves by at most about lr, computed to float32 precision.
const adamTol = 1e-6

func TestParityAdamW(t *testing.T) {
	rng := newRand(t)
	for _, N := range append(slices.Clone(awkward), 100_003) {
		params, grads := randomSlice(rng, N, 1), randomSlice(rng, N, 1)
		m, v := randomSlice(rng, N, 0.1), randomSlice(rng, N, 0.1)
		for i := range v {
			v[i] *= v[i] // second moments are non-negative
		}
		gotP, gotM, gotV := slices.Clone(params), slices.Clone(m), slices.Clone(v)
		for step := 1; step <= 3; step++ {
			ref.AdamWUpdate(params, grads, m, v, N, step, 1e-3, 0.9, 0.95, 1e-8, 0.1)
			AdamWUpdate(gotP, grads, gotM, gotV, N, step, 1e-3, 0.9, 0.95, 1e-8, 0.1)
		}
		assertClose(t, "params", gotP, params, adamTol)
		// A moment can be a small difference of its decayed self and the
		// new gradient term (both of order 0.1 here): its error is
		// relative to those, not to the difference.
		assertCloseFloor(t, "m", gotM, m, adamTol, 0.1)
		assertCloseFloor(t, "v", gotV, v, adamTol, 0.1)
	}
}

func TestExp32(t *testing.T) {
	worst := 0.0
	for x := float32(-87); x < 88.7; x += 0.0137 {
		got, want := float64(exp32(x)), math.Exp(float64(x))
		worst = math.Max(worst, math.Abs(got-want)/want)
	}
	// A few units in the last place of float32 (one ulp is 6e-8 to 1.2e-7).
	if worst > 4e-7 {
		t.Errorf("exp32 relative error up to %g, want below 4e-7", worst)
	}
	if got := exp32(-100); got != 0 {
		t.Errorf("exp32(-100) = %v, want 0", got)
	}
	if got := exp32(100); !math.IsInf(float64(got), 1) {
		t.Errorf("exp32(100) = %v, want +Inf", got)
	}
}

// TestVectorRoutines compares the vector routines in use (SIMD in a SIMD
// build on a capable CPU) with the portable ones at every length up to 70.
func TestVectorRoutines(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n <= 70; n++ {
		a, b := randomSlice(rng, n, 3), randomSlice(rng, n, 1)
		name := fmt.Sprintf("n=%d", n)
		assertClose(t, "dot "+name, []float32{dot(a, b)}, []float32{dotGo(a, b)}, 1e-5)
		y1, y2 := slices.Clone(b), slices.Clone(b)
		axpy(0.7, a, y1)
		axpyGo(0.7, a, y2)
		assertClose(t, "axpy "+name, y1, y2, 1e-6)
		e1, e2 := make([]float32, n), make([]float32, n)
		s1, s2 := expSum(e1, a, 0.5), expSumGo(e2, a, 0.5)
		assertClose(t, "exp "+name, e1, e2, 1e-6)
		assertClose(t, "expSum "+name, []float32{s1}, []float32{s2}, 1e-6)
		if n > 0 && maxOf(a) != maxGo(a) {
			t.Errorf("max %s: %v, want %v", name, maxOf(a), maxGo(a))
		}
	}
}

// TestSoftmaxCrossEntropyLongTargets passes a targets buffer longer than
// B*T whose tail holds stale values out of range: only the first B*T count,
// as the contract says, in both the forward and the backward.
func TestSoftmaxCrossEntropyLongTargets(t *testing.T) {
	rng := newRand(t)
	B, T, V := 1, 3, 5
	logits := randomSlice(rng, B*T*V, 3)
	targets := []int32{1, IgnoreIndex, 4, 99, 99, 99}
	wantLosses, wantProbs := make([]float32, B*T), make([]float32, B*T*V)
	want := ref.SoftmaxCrossEntropyForward(wantLosses, wantProbs, logits, targets, B, T, V)
	gotLosses, gotProbs := make([]float32, B*T), make([]float32, B*T*V)
	got := SoftmaxCrossEntropyForward(gotLosses, gotProbs, logits, targets, B, T, V)
	assertCloseFloor(t, "mean", []float32{got}, []float32{want}, crossEntropyTol, 1)
	wantD, gotD := make([]float32, B*T*V), make([]float32, B*T*V)
	ref.SoftmaxCrossEntropyBackward(wantD, wantProbs, targets, 1, B, T, V)
	SoftmaxCrossEntropyBackward(gotD, wantProbs, targets, 1, B, T, V)
	assertClose(t, "dlogits", gotD, wantD, crossEntropyTol)
}
