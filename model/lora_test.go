package model

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestLoRATrainsOnlyAdaptersAndHeads fine-tunes with adapters attached and
// checks that the body did not move while the adapters and the task head
// did, and that the loss fell.
func TestLoRATrainsOnlyAdaptersAndHeads(t *testing.T) {
	cfg := Tiny()
	m := newTestModel(t, cfg, FastOps, 4, 1)
	before := slices.Clone(m.Params.Data)
	if err := m.AttachLoRA(LoRAConfig{Rank: 4, Alpha: 8}, 1); err != nil {
		t.Fatal(err)
	}
	if err := m.AttachLoRA(LoRAConfig{Rank: 4, Alpha: 8}, 1); err == nil {
		t.Error("a second AttachLoRA succeeded")
	}
	adapters := slices.Clone(m.LoRA.Params.Data)
	b := randomBatch(rand.New(rand.NewPCG(1, 1)), cfg, TaskTag, 4, 16, nil)
	opt := DefaultAdamW()
	first := trainStep(t, m, b, &opt, 1e-2)
	var last float32
	for range 30 {
		last = trainStep(t, m, b, &opt, 1e-2)
	}
	if !(last < first*0.8) {
		t.Errorf("LoRA fine-tuning: loss %.4f -> %.4f, want a clear fall", first, last)
	}
	for _, tn := range m.Params.Tensors {
		moved := !slices.Equal(tn.Of(before), tn.Of(m.Params.Data))
		head := strings.HasPrefix(tn.Name, "tag_head.")
		if moved != head && !strings.HasPrefix(tn.Name, "cls_head.") {
			t.Errorf("%s: moved=%v, want %v", tn.Name, moved, head)
		}
	}
	for _, tn := range m.LoRA.Params.Tensors {
		if slices.Equal(tn.Of(adapters), tn.Of(m.LoRA.Params.Data)) {
			t.Errorf("adapter %s did not train", tn.Name)
		}
	}
}

// TestLoRAMergeComputesTheSameFunction: after Merge, the plain model's
// outputs equal the adapted model's, for a causal and a bidirectional task.
func TestLoRAMergeComputesTheSameFunction(t *testing.T) {
	cfg := Tiny()
	m := newTestModel(t, cfg, FastOps, 2, 3)
	if err := m.Merge(); err == nil {
		t.Error("Merge without adapters succeeded")
	}
	if err := m.AttachLoRA(LoRAConfig{Rank: 8, Alpha: 16}, 4); err != nil {
		t.Fatal(err)
	}
	jitter(m.LoRA.Params.Data, 0.05, 5) // B starts at zero; make the adapters matter
	rng := rand.New(rand.NewPCG(6, 6))
	lm := randomBatch(rng, cfg, TaskLM, 2, 20, []int{20, 11})
	cls := randomBatch(rng, cfg, TaskClassify, 2, 20, []int{7, 20})
	var adapted [][]float32
	for _, b := range []Batch{lm, cls} {
		mustForward(t, m, b)
		adapted = append(adapted, slices.Clone(m.Output()))
	}
	base := newTestModel(t, cfg, FastOps, 2, 3)
	mustForward(t, base, lm)
	if maxRelDiff(adapted[0], base.Output()) < 1e-3 {
		t.Fatal("the adapters do not change the output; the test would prove nothing")
	}
	if err := m.Merge(); err != nil {
		t.Fatal(err)
	}
	if m.LoRA != nil {
		t.Fatal("adapters still attached after Merge")
	}
	for i, b := range []Batch{lm, cls} {
		mustForward(t, m, b)
		// Merging changes the order of float32 sums only: the output moves
		// by a few ulps of the largest logit.
		if d := maxRelDiff(adapted[i], m.Output()); d > 1e-5 {
			t.Errorf("%s: merged output differs from adapted by %.3g of the largest", b.Task, d)
		}
	}
	for _, tn := range m.Params.Tensors {
		if !tn.Trainable {
			t.Errorf("%s frozen after Merge", tn.Name)
		}
	}
}

// TestLoRAStartsAsTheBaseModel: fresh adapters (B = 0) change nothing.
func TestLoRAStartsAsTheBaseModel(t *testing.T) {
	cfg := Tiny()
	m := newTestModel(t, cfg, FastOps, 1, 3)
	b := randomBatch(rand.New(rand.NewPCG(7, 7)), cfg, TaskLM, 1, 9, nil)
	before := mustForward(t, m, b)
	if err := m.AttachLoRA(LoRAConfig{Rank: 2, Alpha: 4}, 1); err != nil {
		t.Fatal(err)
	}
	if after := mustForward(t, m, b); after != before {
		t.Errorf("loss %v with fresh adapters, %v without", after, before)
	}
	if n, want := m.LoRA.Params.Len(), int(LoRAConfig{Rank: 2}.NumParams(cfg)); n != want {
		t.Errorf("%d adapter parameters, NumParams says %d", n, want)
	}
}

func TestLoRAConfigValidate(t *testing.T) {
	for _, c := range []LoRAConfig{{0, 8}, {4, 0}, {4, -1}, {2000, 8}} {
		if c.Validate() == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if err := (LoRAConfig{8, 16}).Validate(); err != nil {
		t.Error(err)
	}
}

// TestLoRASkipsFrozenGradients: with the body frozen, Backward leaves the
// blocks' matmul weight and bias gradients untouched, and training follows
// exactly the path it takes when every gradient is computed (frozenGrads),
// loss for loss and bit for bit, on the reference kernels.
func TestLoRASkipsFrozenGradients(t *testing.T) {
	cfg := Tiny()
	for _, task := range []Task{TaskTag, TaskLM} {
		b := randomBatch(rand.New(rand.NewPCG(2, 2)), cfg, task, 2, 12, []int{12, 7})
		skipped, skippedGrads := loraLosses(t, cfg, b, false)
		full, fullGrads := loraLosses(t, cfg, b, true)
		if !slices.Equal(skipped, full) {
			t.Errorf("%s: losses %v skipping frozen gradients, %v computing them", task, skipped, full)
		}
		if !slices.Equal(skippedGrads, fullGrads) {
			t.Errorf("%s: the adapters' gradients differ when frozen gradients are skipped", task)
		}
	}
}

// loraLosses trains a fresh adapted Tiny model on b for a few steps on the
// reference kernels and returns its losses and the adapters' last
// gradients. It checks after every Backward that the frozen matmul weights'
// gradients are zero exactly when they were skipped.
func loraLosses(t *testing.T, cfg Config, b Batch, frozenGrads bool) (losses, adapterGrads []float32) {
	t.Helper()
	m := newTestModel(t, cfg, RefOps, 2, 8)
	if err := m.AttachLoRA(LoRAConfig{Rank: 4, Alpha: 8}, 3); err != nil {
		t.Fatal(err)
	}
	jitter(m.LoRA.Params.Data, 0.05, 9) // B starts at zero; make dinp depend on it
	m.frozenGrads = frozenGrads
	opt := DefaultAdamW()
	for range 3 {
		m.ZeroGrad()
		losses = append(losses, mustForward(t, m, b))
		if err := m.Backward(); err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, tn := range m.Params.Tensors {
			if !isBlockMatmul(tn.Name) {
				continue
			}
			checked++
			zero := !slices.ContainsFunc(tn.Of(m.Params.Grad), func(g float32) bool { return g != 0 })
			if zero == frozenGrads {
				t.Fatalf("%s frozenGrads=%v: gradient all zero = %v", tn.Name, frozenGrads, zero)
			}
		}
		if want := 2 * int(numLoRASites) * cfg.L; checked != want {
			t.Fatalf("checked %d frozen matmul tensors, want %d", checked, want)
		}
		m.ClipGradNorm(1)
		if err := m.Update(&opt, 1e-2); err != nil {
			t.Fatal(err)
		}
	}
	return losses, slices.Clone(m.LoRA.Params.Grad)
}

// isBlockMatmul says whether a tensor is an adapted matmul's weight or
// bias, which LoRA freezes.
func isBlockMatmul(name string) bool {
	for _, site := range loraSiteNames {
		if strings.Contains(name, "."+site+".") {
			return true
		}
	}
	return false
}
