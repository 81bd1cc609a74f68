package model

import (
	"encoding/json"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestOverfitOneBatch trains the tiny model on one batch per task until it
// has memorised it: a model that cannot do this has a broken gradient or
// update somewhere the gradient check does not look (the optimizer, the
// schedule, the tied head across steps).
func TestOverfitOneBatch(t *testing.T) {
	cfg := Tiny()
	for i, task := range []Task{TaskLM, TaskTag, TaskClassify, TaskMLM} {
		t.Run(task.String(), func(t *testing.T) {
			m := newTestModel(t, cfg, FastOps, 4, 1)
			b := randomBatch(rand.New(rand.NewPCG(uint64(i), 2)), cfg, task, 4, 16, []int{16, 12, 16, 5})
			opt := DefaultAdamW()
			opt.WeightDecay = 0
			first, loss := float32(0), float32(0)
			for step := 1; step <= 150; step++ {
				loss = trainStep(t, m, b, &opt, 3e-3)
				if step == 1 {
					first = loss
				}
				if loss < 0.02 {
					break
				}
			}
			t.Logf("%s: loss %.4f -> %.4f after %d steps", task, first, loss, opt.Step)
			if loss > 0.05 {
				t.Errorf("%s: loss %.4f after %d steps, want < 0.05 (started at %.4f)", task, loss, opt.Step, first)
			}
		})
	}
}

// goldenRun is the recipe of testdata/golden-tiny-losses.json: the tiny
// config, seeded weights, dropout and data, AdamW with warmup + cosine and
// clipping, ten steps of the LM objective. The data is windows of a fixed
// cyclic "text" of 97 random tokens, which the model starts to learn within
// ten steps, so the losses fall and depend on every part of training.
type goldenRun struct {
	Config   Config    `json:"config"`
	Seed     uint64    `json:"seed"`
	B        int       `json:"B"`
	T        int       `json:"T"`
	Dropout  float32   `json:"dropout"`
	Schedule Schedule  `json:"schedule"`
	Clip     float64   `json:"clip"`
	Ops      string    `json:"ops"`
	Losses   []float64 `json:"losses"`
}

func newGoldenRun() goldenRun {
	return goldenRun{Config: Tiny(), Seed: 1234, B: 4, T: 32, Dropout: 0.1,
		Schedule: Schedule{MaxLR: 1e-2, MinLR: 1e-3, Warmup: 3, Total: 10}, Clip: 1, Ops: "ref"}
}

// batch is B windows of T tokens at random places of the cyclic text, with
// next-token targets.
func (g goldenRun) batch(rng *rand.Rand, text []int32) Batch {
	b := Batch{Task: TaskLM, B: g.B, T: g.T, Tokens: make([]int32, g.B*g.T), Targets: make([]int32, g.B*g.T)}
	for s := range g.B {
		start := rng.IntN(len(text))
		for t := range g.T {
			b.Tokens[s*g.T+t] = text[(start+t)%len(text)]
			b.Targets[s*g.T+t] = text[(start+t+1)%len(text)]
		}
	}
	return b
}

// losses trains a fresh model for g.Schedule.Total steps and returns the
// loss of each.
func (g goldenRun) losses(t testing.TB, ops *Ops) []float64 {
	m := newTestModel(t, g.Config, ops, g.B, g.Seed)
	m.SeedDropout(g.Seed)
	m.Training, m.Dropout = true, g.Dropout
	data := rand.New(rand.NewPCG(g.Seed, 3))
	text := make([]int32, 97)
	for i := range text {
		text[i] = data.Int32N(int32(g.Config.V))
	}
	opt := DefaultAdamW()
	var out []float64
	for step := 1; step <= g.Schedule.Total; step++ {
		b := g.batch(data, text)
		m.ZeroGrad()
		loss := mustForward(t, m, b)
		if err := m.Backward(); err != nil {
			t.Fatal(err)
		}
		m.ClipGradNorm(g.Clip)
		if err := m.Update(&opt, g.Schedule.LR(step)); err != nil {
			t.Fatal(err)
		}
		out = append(out, float64(loss))
	}
	return out
}

// TestGoldenTinyLosses compares the first ten losses of a seeded tiny run
// with the recorded ones (go test -run Golden -update rewrites them, from
// the reference ops). The fast ops must reproduce them too: they differ
// from the reference by about 1e-7 in a step, and ten AdamW steps amplify
// that (Adam divides small gradients by their own size), so the tolerance
// is 1e-4 relative; a change in initialisation, dropout, data order,
// schedule or any op's maths moves the losses far more than that.
func TestGoldenTinyLosses(t *testing.T) {
	path := filepath.Join("testdata", "golden-tiny-losses.json")
	g := newGoldenRun()
	if *update {
		g.Losses = g.losses(t, RefOps)
		data, err := json.MarshalIndent(g, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to create it)", err)
	}
	var want goldenRun
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	recipe, _ := json.Marshal(newGoldenRun())
	g.Losses, want.Losses = want.Losses, nil
	if stored, _ := json.Marshal(want); string(stored) != string(recipe) {
		t.Fatalf("the recipe in %s is not the test's:\n%s\n%s\nrun go test -run Golden -update if the change is meant", path, stored, recipe)
	}
	for _, ops := range []*Ops{FastOps, RefOps} {
		if ops == RefOps && testing.Short() {
			continue
		}
		got := g.losses(t, ops)
		for i := range got {
			if d := math.Abs(got[i] - g.Losses[i]); d > 1e-4*g.Losses[i] {
				t.Errorf("%s ops, step %d: loss %.7f, golden %.7f", ops.Name, i+1, got[i], g.Losses[i])
			}
		}
		t.Logf("%s: %.6f", ops.Name, got)
	}
}
