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
