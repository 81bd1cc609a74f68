package kernels

import (
	"math/rand/v2"
	"testing"

	"github.com/tutor-dev/tutor/kernels/ref"
)

// Benchmarks for the ops other than matmul. Flop counts are nominal and
// stated per element next to each op (an exponential counts as ten); the
// elementwise ops are limited by memory, so their GFLOP/s mostly measures
// bandwidth.

// opPair is one op at one shape: the same call through ref and fast.
type opPair struct {
	shape     string
	flops     float64
	ref, fast func()
}

func runOpPairs(b *testing.B, pairs []opPair) {
	for _, impl := range []string{"ref", "fast"} {
		for _, p := range pairs {
			call := p.fast
			if impl == "ref" {
				call = p.ref
			}
			b.Run(impl+"/"+p.shape, func(b *testing.B) {
				call() // warm up scratch
				b.ReportAllocs()
				start := cpuNow()
				for b.Loop() {
					call()
				}
				reportRate(b, p.flops, start)
			})
		}
	}
}

// benchSizes are the student's training batch and one-sequence inference.
var benchSizes = []struct {
	name string
	B, T int
}{{"B8T128", 8, 128}, {"B1T64", 1, 64}}

const (
	benchC  = 256
	benchNH = 4
	benchV  = 8192
)

func BenchmarkEncoderForward(b *testing.B) {
	var pairs []opPair
	for _, s := range benchSizes {
		rng := rand.New(rand.NewPCG(1, 2))
		out := make([]float32, s.B*s.T*benchC)
		tokens := randomTokens(rng, s.B*s.T, benchV)
		wte, wpe := randomSlice(rng, benchV*benchC, 1), randomSlice(rng, s.T*benchC, 1)
		pairs = append(pairs, opPair{s.name + "C256", float64(len(out)), // one add per element
			func() { ref.EncoderForward(out, tokens, wte, wpe, s.B, s.T, benchC) },
			func() { EncoderForward(out, tokens, wte, wpe, s.B, s.T, benchC) }})
	}
	runOpPairs(b, pairs)
}

func BenchmarkEncoderBackward(b *testing.B) {
	var pairs []opPair
	for _, s := range benchSizes {
		rng := rand.New(rand.NewPCG(1, 2))
		dout := randomSlice(rng, s.B*s.T*benchC, 1)
		tokens := randomTokens(rng, s.B*s.T, benchV)
		dwte, dwpe := make([]float32, benchV*benchC), make([]float32, s.T*benchC)
		pairs = append(pairs, opPair{s.name + "C256", 2 * float64(len(dout)), // two adds per element
			func() { ref.EncoderBackward(dwte, dwpe, dout, tokens, s.B, s.T, benchC) },
			func() { EncoderBackward(dwte, dwpe, dout, tokens, s.B, s.T, benchC) }})
	}
	runOpPairs(b, pairs)
}

func BenchmarkLayerNormForward(b *testing.B) {
	var pairs []opPair
	for _, s := range benchSizes {
		rng := rand.New(rand.NewPCG(1, 2))
		n := s.B * s.T * benchC
		inp, out := randomSlice(rng, n, 1), make([]float32, n)
		mean, rstd := make([]float32, s.B*s.T), make([]float32, s.B*s.T)
		w, bias := randomSlice(rng, benchC, 1), randomSlice(rng, benchC, 1)
		pairs = append(pairs, opPair{s.name + "C256", 8 * float64(n), // mean, variance, normalise, scale, shift
			func() { ref.LayerNormForward(out, mean, rstd, inp, w, bias, s.B, s.T, benchC) },
			func() { LayerNormForward(out, mean, rstd, inp, w, bias, s.B, s.T, benchC) }})
	}
	runOpPairs(b, pairs)
}

func BenchmarkLayerNormBackward(b *testing.B) {
	var pairs []opPair
	for _, s := range benchSizes {
		rng := rand.New(rand.NewPCG(1, 2))
		n := s.B * s.T * benchC
		inp, dout, dinp := randomSlice(rng, n, 1), randomSlice(rng, n, 1), make([]float32, n)
		mean, rstd := make([]float32, s.B*s.T), make([]float32, s.B*s.T)
		w, dw, db := randomSlice(rng, benchC, 1), make([]float32, benchC), make([]float32, benchC)
		ref.LayerNormForward(make([]float32, n), mean, rstd, inp, w, w, s.B, s.T, benchC)
		pairs = append(pairs, opPair{s.name + "C256", 16 * float64(n), // two passes of about eight
			func() { ref.LayerNormBackward(dinp, dw, db, dout, inp, w, mean, rstd, s.B, s.T, benchC) },
			func() { LayerNormBackward(dinp, dw, db, dout, inp, w, mean, rstd, s.B, s.T, benchC) }})
	}
	runOpPairs(b, pairs)
}

// attentionFlops counts the two products with a head's keys and values
// (2·hs flops each per visible query-key pair) in causal attention.
func attentionFlops(B, T int) float64 {
	pairs := float64(B*benchNH) * float64(T*(T+1)/2)
	return pairs * 4 * float64(benchC/benchNH)
}

func BenchmarkAttentionForward(b *testing.B) {
	var pairs []opPair
	for _, s := range benchSizes {
		rng := rand.New(rand.NewPCG(1, 2))
		qkv := randomSlice(rng, s.B*s.T*3*benchC, 1)
		out, att := make([]float32, s.B*s.T*benchC), make([]float32, s.B*benchNH*s.T*s.T)
		pairs = append(pairs, opPair{s.name + "C256NH4causal", attentionFlops(s.B, s.T),
			func() { ref.AttentionForward(out, att, qkv, nil, s.B, s.T, benchC, benchNH, true) },
			func() { AttentionForward(out, att, qkv, nil, s.B, s.T, benchC, benchNH, true) }})
	}
	runOpPairs(b, pairs)
}

func BenchmarkAttentionBackward(b *testing.B) {
	var pairs []opPair
	for _, s := range benchSizes {
		rng := rand.New(rand.NewPCG(1, 2))
		qkv, dqkv := randomSlice(rng, s.B*s.T*3*benchC, 1), make([]float32, s.B*s.T*3*benchC)
		dout, att := randomSlice(rng, s.B*s.T*benchC, 1), make([]float32, s.B*benchNH*s.T*s.T)
		ref.AttentionForward(make([]float32, s.B*s.T*benchC), att, qkv, nil, s.B, s.T, benchC, benchNH, true)
		pairs = append(pairs, opPair{s.name + "C256NH4causal", 2 * attentionFlops(s.B, s.T), // four products
			func() { ref.AttentionBackward(dqkv, dout, qkv, att, nil, s.B, s.T, benchC, benchNH, true) },
			func() { AttentionBackward(dqkv, dout, qkv, att, nil, s.B, s.T, benchC, benchNH, true) }})
	}
	runOpPairs(b, pairs)
}

func BenchmarkGeluForward(b *testing.B) {
	var pairs []opPair
	for _, s := range benchSizes {
		rng := rand.New(rand.NewPCG(1, 2))
		n := s.B * s.T * 4 * benchC // the MLP's hidden layer
		inp, out := randomSlice(rng, n, 1), make([]float32, n)
		pairs = append(pairs, opPair{s.name + "C1024", 20 * float64(n), // an exponential, a division, eight more
			func() { ref.GeluForward(out, inp, n) },
			func() { GeluForward(out, inp, n) }})
	}
	runOpPairs(b, pairs)
}

func BenchmarkGeluBackward(b *testing.B) {
	var pairs []opPair
	for _, s := range benchSizes {
		rng := rand.New(rand.NewPCG(1, 2))
		n := s.B * s.T * 4 * benchC
		inp, dout, dinp := randomSlice(rng, n, 1), randomSlice(rng, n, 1), make([]float32, n)
		pairs = append(pairs, opPair{s.name + "C1024", 30 * float64(n), // the forward's work and the derivative
			func() { ref.GeluBackward(dinp, inp, dout, n) },
			func() { GeluBackward(dinp, inp, dout, n) }})
	}
	runOpPairs(b, pairs)
}

func BenchmarkResidualForward(b *testing.B) {
	var pairs []opPair
	for _, s := range benchSizes {
		rng := rand.New(rand.NewPCG(1, 2))
		n := s.B * s.T * benchC
		x, y, out := randomSlice(rng, n, 1), randomSlice(rng, n, 1), make([]float32, n)
		pairs = append(pairs, opPair{s.name + "C256", float64(n),
			func() { ref.ResidualForward(out, x, y, n) },
			func() { ResidualForward(out, x, y, n) }})
	}
	runOpPairs(b, pairs)
}

func BenchmarkResidualBackward(b *testing.B) {
	var pairs []opPair
	for _, s := range benchSizes {
		rng := rand.New(rand.NewPCG(1, 2))
		n := s.B * s.T * benchC
		dout, dx, dy := randomSlice(rng, n, 1), make([]float32, n), make([]float32, n)
		pairs = append(pairs, opPair{s.name + "C256", 2 * float64(n),
			func() { ref.ResidualBackward(dx, dy, dout, n) },
			func() { ResidualBackward(dx, dy, dout, n) }})
	}
	runOpPairs(b, pairs)
}

func BenchmarkSoftmaxCrossEntropyForward(b *testing.B) {
	var pairs []opPair
	for _, s := range benchSizes {
		rng := rand.New(rand.NewPCG(1, 2))
		n := s.B * s.T * benchV
		logits, probs := randomSlice(rng, n, 1), make([]float32, n)
		losses, targets := make([]float32, s.B*s.T), randomTokens(rng, s.B*s.T, benchV)
		pairs = append(pairs, opPair{s.name + "V8192", 14 * float64(n), // max, exponential, sum, scale
			func() { ref.SoftmaxCrossEntropyForward(losses, probs, logits, targets, s.B, s.T, benchV) },
			func() { SoftmaxCrossEntropyForward(losses, probs, logits, targets, s.B, s.T, benchV) }})
	}
	runOpPairs(b, pairs)
}

func BenchmarkSoftmaxCrossEntropyBackward(b *testing.B) {
	var pairs []opPair
	for _, s := range benchSizes {
		rng := rand.New(rand.NewPCG(1, 2))
		n := s.B * s.T * benchV
		probs, dlogits := randomSlice(rng, n, 1), make([]float32, n)
		targets := randomTokens(rng, s.B*s.T, benchV)
		pairs = append(pairs, opPair{s.name + "V8192", 2 * float64(n),
			func() { ref.SoftmaxCrossEntropyBackward(dlogits, probs, targets, 1, s.B, s.T, benchV) },
			func() { SoftmaxCrossEntropyBackward(dlogits, probs, targets, 1, s.B, s.T, benchV) }})
	}
	runOpPairs(b, pairs)
}

func BenchmarkAdamWUpdate(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 5 << 20 // about the student's parameter count
	params, grads := randomSlice(rng, n, 1), randomSlice(rng, n, 1)
	m, v := make([]float32, n), make([]float32, n)
	step := 0
	runOpPairs(b, []opPair{{"N5M", 15 * n, // moments, bias correction, square root, decay
		func() { step++; ref.AdamWUpdate(params, grads, m, v, n, step, 1e-3, 0.9, 0.95, 1e-8, 0.1) },
		func() { step++; AdamWUpdate(params, grads, m, v, n, step, 1e-3, 0.9, 0.95, 1e-8, 0.1) }}})
}

func randomTokens(rng *rand.Rand, n, V int) []int32 {
	tokens := make([]int32, n)
	for i := range tokens {
		tokens[i] = int32(rng.IntN(V))
	}
	return tokens
}
