package kernels

import (
	"math/rand/v2"
	"testing"

	"github.com/tutor-dev/tutor/kernels/ref"
)

// Benchmarks are named Benchmark<Op>/<impl>/<shape> with impl ref or fast,
// and report GFLOP/s (a multiply-add counts as two operations; the other
// ops' nominal counts are in bench_ops_test.go) and, on Linux, GFLOP per
// CPU-second, which stays comparable on a machine busy with other work.
// Every fast op reports 0 allocs/op. Shapes come from the student
// config (B=8, T=128, C=256, four heads, V=8192) and from one-sequence
// inference (B=1, T=64). Run for example
//
//	go test -run '^$' -bench 'Matmul.*/fast/lmhead' -benchtime 20x ./kernels
//
// and add GOEXPERIMENT=simd for the SIMD micro-kernels. The reference
// implementations take seconds per call at the larger shapes.

type benchImpl struct {
	name           string
	matmulForward  func(out, inp, weight, bias []float32, B, T, C, OC int)
	matmulBackward func(dinp, dweight, dbias, dout, inp, weight []float32, B, T, C, OC int)
}

var benchImpls = []benchImpl{
	{"ref", ref.MatmulForward, ref.MatmulBackward},
	{"fast", MatmulForward, MatmulBackward},
}

// matmulBenchShapes are the student's matrix products: the attention's qkv
// projection (OC=3C), its output projection (OC=C), the MLP's two halves
// (C to 4C and 4C to C) and the language-model head (OC=V).
var matmulBenchShapes = []struct {
	name        string
	B, T, C, OC int
}{
	{"qkv_B8T128C256OC768", 8, 128, 256, 768},
	{"attproj_B8T128C256OC256", 8, 128, 256, 256},
	{"fc_B8T128C256OC1024", 8, 128, 256, 1024},
	{"fcproj_B8T128C1024OC256", 8, 128, 1024, 256},
	{"lmhead_B8T128C256OC8192", 8, 128, 256, 8192},
	{"qkv_B1T64C256OC768", 1, 64, 256, 768},
	{"fc_B1T64C256OC1024", 1, 64, 256, 1024},
	{"lmhead_B1T64C256OC8192", 1, 64, 256, 8192},
}

// reportRate adds a flops-per-second metric and, where the platform can
// measure it, flops per second of CPU time, which stays meaningful on a
// machine shared with other work.
func reportRate(b *testing.B, flops float64, start cpuClock) {
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu := start.since(); cpu > 0 {
		b.ReportMetric(flops*float64(b.N)/cpu/1e9, "GFLOP/cpu-s")
	}
}

func BenchmarkMatmulForward(b *testing.B) {
	for _, impl := range benchImpls {
		for _, s := range matmulBenchShapes {
			b.Run(impl.name+"/"+s.name, func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				BT := s.B * s.T
				inp, weight := randomSlice(rng, BT*s.C, 1), randomSlice(rng, s.OC*s.C, 1)
				bias, out := randomSlice(rng, s.OC, 1), make([]float32, BT*s.OC)
				impl.matmulForward(out, inp, weight, bias, s.B, s.T, s.C, s.OC) // warm up scratch
				b.ReportAllocs()
				start := cpuNow()
				for b.Loop() {
					impl.matmulForward(out, inp, weight, bias, s.B, s.T, s.C, s.OC)
				}
				reportRate(b, 2*float64(BT*s.C*s.OC), start)
			})
		}
	}
}

func BenchmarkMatmulBackward(b *testing.B) {
	for _, impl := range benchImpls {
		for _, s := range matmulBenchShapes {
			b.Run(impl.name+"/"+s.name, func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				BT := s.B * s.T
				inp, weight := randomSlice(rng, BT*s.C, 1), randomSlice(rng, s.OC*s.C, 1)
				dout := randomSlice(rng, BT*s.OC, 1)
				dinp, dweight, dbias := make([]float32, BT*s.C), make([]float32, s.OC*s.C), make([]float32, s.OC)
				impl.matmulBackward(dinp, dweight, dbias, dout, inp, weight, s.B, s.T, s.C, s.OC)
				b.ReportAllocs()
				start := cpuNow()
				for b.Loop() {
					impl.matmulBackward(dinp, dweight, dbias, dout, inp, weight, s.B, s.T, s.C, s.OC)
				}
				reportRate(b, 4*float64(BT*s.C*s.OC), start)
			})
		}
	}
}
