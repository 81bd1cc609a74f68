package model

import (
	"math"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestPresetSizes checks the presets against DESIGN.md's parameter counts.
func TestPresetSizes(t *testing.T) {
	for _, c := range []struct {
		name     string
		min, max float64 // millions
	}{{"student", 5, 5.5}, {"teacher", 29, 31}, {"gpt2s", 108, 112}, {"tiny", 0.05, 0.2}} {
		cfg, err := Preset(c.name)
		if err != nil {
			t.Fatal(err)
		}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		n := float64(cfg.NumParams()) / 1e6
		t.Logf("%s: %s", c.name, cfg)
		if n < c.min || n > c.max {
			t.Errorf("%s: %.2fM parameters, want %g to %gM", c.name, n, c.min, c.max)
		}
	}
	if _, err := Preset("huge"); err == nil || !strings.Contains(err.Error(), "student") {
		t.Errorf("unknown preset: %v", err)
	}
}

// TestNumParamsMatchesTheBuffer: the count is the buffer's length.
func TestNumParamsMatchesTheBuffer(t *testing.T) {
	m, err := New(Tiny(), Options{Inference: true})
	if err != nil {
		t.Fatal(err)
	}
	if int64(m.Params.Len()) != Tiny().NumParams() {
		t.Errorf("buffer %d, NumParams %d", m.Params.Len(), Tiny().NumParams())
	}
	if m.Params.Grad != nil || m.Params.M != nil {
		t.Error("an inference model has gradient or moment buffers")
	}
	if err := m.Backward(); err == nil {
		t.Error("Backward on an inference model succeeded")
	}
}

func TestConfigValidate(t *testing.T) {
	bad := []Config{
		{V: 0, T: 8, L: 1, C: 8, NH: 2},
		{V: 8, T: 8, L: 1, C: 9, NH: 2},
		{V: 8, T: 8, L: 0, C: 8, NH: 2},
		{V: 8, T: 1 << 20, L: 1, C: 8, NH: 2},
		{V: 8, T: 8, L: 1, C: 8, NH: 2, NumTags: -1},
	}
	for _, c := range bad {
		if c.Validate() == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if _, err := ParseConfig([]byte(`{"vocab_size":8,"max_seq_len":8,"n_layer":1,"n_embd":8,"n_head":2,"colour":1}`)); err == nil {
		t.Error("config.json with an unknown field accepted")
	}
}

// TestBatchErrors: bad batches are errors that point at the data, never
// panics.
func TestBatchErrors(t *testing.T) {
	cfg := gradConfig
	m := newTestModel(t, cfg, FastOps, 2, 1)
	ok := randomBatch(rand.New(rand.NewPCG(1, 1)), cfg, TaskTag, 2, 4, nil)
	cases := map[string]func(b *Batch){
		"token":       func(b *Batch) { b.Tokens[3] = int32(cfg.V) },
		"negative":    func(b *Batch) { b.Tokens[0] = -2 },
		"B":           func(b *Batch) { b.B = 3 },
		"T":           func(b *Batch) { b.T = cfg.T + 1 },
		"targets":     func(b *Batch) { b.Targets = b.Targets[:3] },
		"tag":         func(b *Batch) { b.Targets[1] = int32(cfg.NumTags) },
		"valid":       func(b *Batch) { b.Valid = []int{4, 0} },
		"valid count": func(b *Batch) { b.Valid = []int{4} },
		"class -1":    func(b *Batch) { b.Task, b.Targets = TaskClassify, []int32{0, -1} },
		"task":        func(b *Batch) { b.Task = 9 },
	}
	for name, spoil := range cases {
		b := ok
		b.Tokens, b.Targets = slices.Clone(ok.Tokens), slices.Clone(ok.Targets)
		spoil(&b)
		if _, err := m.Forward(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	m.Dropout = 1
	if _, err := m.Forward(ok); err == nil {
		t.Error("dropout 1 accepted")
	}
	noHeads := gradConfig
	noHeads.NumTags, noHeads.NumClasses = 0, 0
	m2 := newTestModel(t, noHeads, FastOps, 2, 1)
	if _, err := m2.Forward(ok); err == nil || !strings.Contains(err.Error(), "num_tags") {
		t.Errorf("tagging without a head: %v", err)
	}
}

// TestPaddingIsInvisible: what padding positions hold changes neither the
// loss nor the real positions' logits, for every mask mode.
func TestPaddingIsInvisible(t *testing.T) {
	cfg := Tiny()
	m := newTestModel(t, cfg, FastOps, 2, 1)
	valid := []int{5, 9}
	for i, task := range []Task{TaskLM, TaskMLM, TaskTag, TaskClassify} {
		rng := rand.New(rand.NewPCG(uint64(i), 3))
		b := randomBatch(rng, cfg, task, 2, 9, valid)
		loss := mustForward(t, m, b)
		out := slices.Clone(m.Output())
		b2 := b
		b2.Tokens = slices.Clone(b.Tokens)
		if task != TaskClassify {
			b2.Targets = slices.Clone(b.Targets)
		}
		for p := valid[0]; p < 9; p++ {
			b2.Tokens[p] = rng.Int32N(int32(cfg.V))
			if task != TaskClassify {
				b2.Targets[p] = rng.Int32N(int32(min(cfg.NumTags, cfg.V)))
			}
		}
		loss2 := mustForward(t, m, b2)
		if loss != loss2 {
			t.Errorf("%s: loss %v, with other padding %v", task, loss, loss2)
		}
		out2 := m.Output()
		rows, width := m.outputShape()
		for r := range rows {
			if task != TaskClassify && task != TaskMLM && r < 9 && r >= valid[0] {
				continue // padding rows themselves may differ
			}
			if !slices.Equal(out[r*width:(r+1)*width], out2[r*width:(r+1)*width]) {
				t.Errorf("%s: row %d of the logits depends on padding", task, r)
				break
			}
		}
	}
}

// TestDropoutIsRepeatableAndOffAtEval: the same seed gives the same loss,
// another seed a different one, and Training=false turns dropout off.
func TestDropoutIsRepeatableAndOffAtEval(t *testing.T) {
	cfg := Tiny()
	m := newTestModel(t, cfg, FastOps, 2, 1)
	b := randomBatch(rand.New(rand.NewPCG(2, 2)), cfg, TaskLM, 2, 16, nil)
	eval := mustForward(t, m, b)
	m.Training, m.Dropout = true, 0.2
	run := func(seed uint64) float32 { m.SeedDropout(seed); return mustForward(t, m, b) }
	a1, a2, other := run(1), run(1), run(2)
	if a1 != a2 {
		t.Errorf("same seed: %v then %v", a1, a2)
	}
	if a1 == other || a1 == eval {
		t.Errorf("dropout does not change the loss: %v %v %v", a1, other, eval)
	}
	m.Training = false
	if got := mustForward(t, m, b); got != eval {
		t.Errorf("eval loss %v after training mode, %v before", got, eval)
	}
	// The kept fraction is near 1-p.
	m.Training = true
	m.SeedDropout(3)
	mustForward(t, m, b)
	kept := 0
	mask := m.acts.encDrop[:2*16*cfg.C]
	for _, v := range mask {
		if v != 0 {
			kept++
		}
	}
	if f := float64(kept) / float64(len(mask)); math.Abs(f-0.8) > 0.02 {
		t.Errorf("kept %.3f of the elements, want 0.8", f)
	}
}

// TestForwardAndLogitsDoNotAllocate: the hot inference paths allocate
// nothing per call.
func TestForwardAndLogitsDoNotAllocate(t *testing.T) {
	cfg := Tiny()
	m := newTestModel(t, cfg, FastOps, 2, 1)
	rng := rand.New(rand.NewPCG(1, 2))
	b := randomBatch(rng, cfg, TaskLM, 2, 16, nil)
	ctx := b.Tokens[:10]
	s, err := NewSampler(cfg.V, 0.8, 20, 1)
	if err != nil {
		t.Fatal(err)
	}
	cls := randomBatch(rng, cfg, TaskClassify, 1, 8, nil)
	// In a fixed order, and Backward always right after its Forward: a
	// Backward without one returns an error (which allocates) instead of
	// running the pass this test is about.
	steps := []struct {
		name string
		f    func()
	}{
		{"Forward", func() { mustForward(t, m, b) }},
		{"Forward+Backward", func() {
			mustForward(t, m, b)
			if err := m.Backward(); err != nil {
				t.Fatal(err)
			}
		}},
		{"Logits", func() { l, _ := m.Logits(ctx); s.Next(l) }},
		{"ClassLogits", func() { _, _ = m.ClassLogits(cls.Tokens) }},
	}
	for _, step := range steps {
		name, f := step.name, step.f
		// The kernels' per-worker scratch grows the first time a worker
		// gets the largest job, and which worker gets which job varies
		// from call to call: warm every worker up before counting.
		for range 10 {
			f()
		}
		if n := testing.AllocsPerRun(5, f); n != 0 {
			t.Errorf("%s: %v allocations per call", name, n)
		}
	}
}

// TestLogitsMatchesForward: the last-position shortcut gives the logits
// that a full causal forward gives at that position, and a long context
// keeps its last T tokens.
func TestLogitsMatchesForward(t *testing.T) {
	cfg := Tiny()
	m := newTestModel(t, cfg, FastOps, 1, 1)
	b := randomBatch(rand.New(rand.NewPCG(1, 3)), cfg, TaskLM, 1, 12, nil)
	b.Targets = nil
	mustForward(t, m, b)
	want := slices.Clone(m.Output()[11*cfg.V:])
	got, err := m.Logits(b.Tokens)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxRelDiff(want, got); d > 1e-6 {
		t.Errorf("Logits differs from Forward by %.3g", d)
	}
	long := make([]int32, cfg.T+5)
	copy(long[len(long)-12:], b.Tokens)
	short, _ := m.Logits(long[5:])
	short = slices.Clone(short)
	cut, err := m.Logits(long)
	if err != nil || !slices.Equal(short, cut) {
		t.Errorf("a long context is not cut to its last T tokens (%v)", err)
	}
	if _, err := m.Logits(nil); err == nil {
		t.Error("empty context accepted")
	}
}

// TestImportsStayInLane: the model must build for the browser and must not
// depend on the server side (DESIGN.md, "Layout and dependency direction").
func TestImportsStayInLane(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list -deps: %v\n%s", err, stderr)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"net/http", "database/sql", "github.com/tutor-dev/tutor/server", "github.com/tutor-dev/tutor/app", "github.com/tutor-dev/tutor/model/tokenizer"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") {
				t.Errorf("model depends on %s", dep)
			}
		}
	}
}

// TestModelTreeStaysOffTheServer: no package under model/ (tokenizer,
// corpus, train, gec, ...) may depend on the server, the app, database/sql
// or net/http; shared helpers belong under model/ (e.g. model/pkgfetch).
func TestModelTreeStaysOffTheServer(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./...").Output()
	if err != nil {
		t.Fatalf("go list -deps ./...: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"net/http", "database/sql", "github.com/tutor-dev/tutor/server", "github.com/tutor-dev/tutor/app"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") {
				t.Errorf("a package under model/ depends on %s", dep)
			}
		}
	}
}
