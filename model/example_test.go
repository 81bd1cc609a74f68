package model_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/tutor-dev/tutor/model"
)

// A training loop: AdamW with warmup + cosine, clipping, validation with
// early stopping, a checkpoint at each new best, then generation from the
// best checkpoint.
func Example() {
	cfg := model.Tiny()
	m, err := model.New(cfg, model.Options{MaxB: 4})
	if err != nil {
		panic(err)
	}
	m.InitWeights(1)
	m.SeedDropout(1)
	m.Dropout = 0.1

	rng := rand.New(rand.NewPCG(1, 2))
	text := make([]int32, 50) // a tiny "corpus": one repeating sentence
	for i := range text {
		text[i] = rng.Int32N(int32(cfg.V))
	}
	batch := func() model.Batch {
		const B, T = 4, 16
		b := model.Batch{Task: model.TaskLM, B: B, T: T, Tokens: make([]int32, B*T), Targets: make([]int32, B*T)}
		for s := range B {
			start := rng.IntN(len(text))
			for t := range T {
				b.Tokens[s*T+t] = text[(start+t)%len(text)]
				b.Targets[s*T+t] = text[(start+t+1)%len(text)]
			}
		}
		return b
	}

	dir := filepath.Join(os.TempDir(), "tutor-example-ckpt")
	defer os.RemoveAll(dir)
	opt := model.DefaultAdamW()
	sched := model.Schedule{MaxLR: 1e-2, MinLR: 1e-3, Warmup: 10, Total: 100}
	stopper := model.EarlyStopping{Patience: 5}
	val := batch()
	for step := 1; step <= sched.Total && !stopper.Stop(); step++ {
		m.Training = true
		m.ZeroGrad()
		if _, err := m.Forward(batch()); err != nil {
			panic(err)
		}
		if err := m.Backward(); err != nil {
			panic(err)
		}
		m.ClipGradNorm(1)
		if err := m.Update(&opt, sched.LR(step)); err != nil {
			panic(err)
		}
		if step%20 == 0 {
			m.Training = false
			loss, _ := m.Forward(val)
			if stopper.Observe(step, float64(loss)) {
				if err := m.Save(dir, model.SaveOptions{Optimizer: &opt}); err != nil {
					panic(err)
				}
			}
		}
	}

	best, err := model.Load(dir, model.Options{Inference: true})
	if err != nil {
		panic(err)
	}
	gen := best.Model.NewGenerator()
	out, _ := gen.Generate(nil, text[:5], 10, model.Greedy, nil)
	fmt.Println(stopper.Best < 1, len(out))
	// Output: true 10
}
