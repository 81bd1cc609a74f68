package model

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Options are the choices made when a model is built.
type Options struct {
	// MaxB is the largest batch Forward will see (default 1); activations
	// are allocated once for (MaxB, Config.T).
	MaxB int
	// Inference leaves out gradients, AdamW moments, backward buffers and
	// dropout masks: for the browser, generation and evaluation.
	Inference bool
	// Ops computes the model; nil means FastOps.
	Ops *Ops
}

// Model is the transformer with its heads, parameters and run state.
// A Model is not safe for concurrent use.
type Model struct {
	Config Config
	Params ParamSet // body and heads, in the layout of Config.specs
	W      Weights  // views into Params.Data
	G      Weights  // views into Params.Grad (empty in an inference model)
	LoRA   *LoRA    // attached adapters, or nil
	Ops    *Ops
	MaxB   int

	// Training turns dropout on; turn it off for validation.
	Training bool
	// Dropout is the probability of zeroing each element of the embedding
	// output and of each block's attention and MLP outputs (before they are
	// added to the residual stream) while Training.
	Dropout float32

	inference bool
	specs     []tensorSpec
	acts      activations
	back      backScratch
	rng       rand.PCG // dropout's random numbers
	sets      [2]*ParamSet
	// frozenGrads makes Backward compute the frozen tensors' gradients too,
	// as it did before it learned to skip them; tests compare the two.
	frozenGrads bool

	// The last forward pass, which Backward differentiates.
	task       Task
	batchSize  int // B of the last forward pass
	seqLen     int // T of the last forward pass
	hasTargets bool
	dropped    bool        // dropout masks were applied
	numMasked  int         // TaskMLM with targets: rows gathered for the head
	distilling bool        // the loss is distillation's, with soft's settings
	soft       SoftTargets // its Logits are acts.teacher
	forwarded  bool
}

// activations are the forward pass's saved tensors, sized for (MaxB, T).
type activations struct {
	tokens  []int32   // (B,T)
	targets []int32   // (B,T), or (B) for classification; padding set to IgnoreIndex
	valid   []int     // (B)
	encoded []float32 // (B,T,C)
	encDrop []float32 // (B,T,C) dropout scales
	layers  []layerActivations
	lnf     []float32 // (B,T,C)
	lnfMean []float32 // (B,T)
	lnfRstd []float32 // (B,T)
	pooled  []float32 // (B,C) classification: mean of the valid rows of lnf
	gather  []float32 // (B*T,C) masked LM: the rows of lnf at masked positions
	rows    []int32   // (B*T) masked LM: which position each gathered row is
	rowTgt  []int32   // (B*T) masked LM: the gathered rows' targets
	logits  []float32 // (B,T,max(V,NumTags)) or (B,NumClasses); dlogits in Backward
	probs   []float32 // same as logits
	teacher []float32 // (B,T,NumTags) or (B,NumClasses): distillation's teacher logits, then the gaps of ref.DistillForward
	losses  []float32 // (B,T)
}

// layerActivations are one block's saved tensors.
type layerActivations struct {
	ln1       []float32 // (B,T,C)
	ln1Mean   []float32 // (B,T)
	ln1Rstd   []float32 // (B,T)
	qkv       []float32 // (B,T,3C)
	atty      []float32 // (B,T,C)
	att       []float32 // (B,NH,T,T)
	attProj   []float32 // (B,T,C), after dropout
	attDrop   []float32 // (B,T,C) dropout scales
	residual2 []float32 // (B,T,C)
	ln2       []float32 // (B,T,C)
	ln2Mean   []float32 // (B,T)
	ln2Rstd   []float32 // (B,T)
	fch       []float32 // (B,T,4C)
	fchGelu   []float32 // (B,T,4C)
	fcProj    []float32 // (B,T,C), after dropout
	fcDrop    []float32 // (B,T,C) dropout scales
	residual3 []float32 // (B,T,C)
	lora      [numLoRASites][]float32
}

// backScratch holds the gradients of activations during Backward. Only one
// block's worth is alive at a time, so one set serves every block.
type backScratch struct {
	dres     []float32 // (B,T,C) gradient of the residual stream
	dbranch  []float32 // (B,T,C) gradient of a dropped-out branch output
	dln      []float32 // (B,T,C)
	datty    []float32 // (B,T,C)
	dqkv     []float32 // (B,T,3C)
	dfch     []float32 // (B,T,4C)
	dfchGelu []float32 // (B,T,4C)
	dlnf     []float32 // (B,T,C)
	dhead    []float32 // (B*T,C) gradient of the head's input rows
}

// New builds a model for cfg with zero parameters; call InitWeights or load
// a checkpoint next.
func New(cfg Config, opt Options) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opt.MaxB == 0 {
		opt.MaxB = 1
	}
	if opt.MaxB < 0 || opt.MaxB > 1<<16 {
		return nil, fmt.Errorf("model: MaxB %d must be between 1 and 65536", opt.MaxB)
	}
	if opt.Ops == nil {
		opt.Ops = FastOps
	}
	m := &Model{Config: cfg, Ops: opt.Ops, MaxB: opt.MaxB, inference: opt.Inference, specs: cfg.specs()}
	m.Params = newParamSet(m.specs, !opt.Inference)
	m.W = viewWeights(cfg, m.specs, m.Params.Tensors, m.Params.Data)
	if !opt.Inference {
		m.G = viewWeights(cfg, m.specs, m.Params.Tensors, m.Params.Grad)
	}
	m.allocActivations()
	if !opt.Inference {
		m.allocBackward()
	}
	m.SeedDropout(0)
	return m, nil
}

// allocActivations sizes the forward buffers for (MaxB, T).
func (m *Model) allocActivations() {
	c := m.Config
	BT, C := m.MaxB*c.T, c.C
	f := func(n int) []float32 { return make([]float32, n) }
	a := &m.acts
	a.tokens = make([]int32, BT)
	a.targets = make([]int32, BT)
	a.valid = make([]int, m.MaxB)
	a.encoded = f(BT * C)
	a.layers = make([]layerActivations, c.L)
	for l := range a.layers {
		a.layers[l] = layerActivations{
			ln1: f(BT * C), ln1Mean: f(BT), ln1Rstd: f(BT),
			qkv: f(BT * 3 * C), atty: f(BT * C), att: f(m.MaxB * c.NH * c.T * c.T),
			attProj: f(BT * C), residual2: f(BT * C),
			ln2: f(BT * C), ln2Mean: f(BT), ln2Rstd: f(BT),
			fch: f(BT * 4 * C), fchGelu: f(BT * 4 * C), fcProj: f(BT * C), residual3: f(BT * C),
		}
	}
	a.lnf, a.lnfMean, a.lnfRstd = f(BT*C), f(BT), f(BT)
	a.pooled = f(m.MaxB * C)
	a.gather = f(BT * C)
	a.rows, a.rowTgt = make([]int32, BT), make([]int32, BT)
	width := max(c.V, c.NumTags, c.NumClasses)
	a.logits, a.probs, a.losses = f(BT*width), f(BT*width), f(BT)
	a.teacher = f(BT * max(c.NumTags, c.NumClasses))
}

// allocBackward adds the dropout masks and the backward scratch.
func (m *Model) allocBackward() {
	BT, C := m.MaxB*m.Config.T, m.Config.C
	f := func(n int) []float32 { return make([]float32, n) }
	m.acts.encDrop = f(BT * C)
	for l := range m.acts.layers {
		m.acts.layers[l].attDrop = f(BT * C)
		m.acts.layers[l].fcDrop = f(BT * C)
	}
	m.back = backScratch{
		dres: f(BT * C), dbranch: f(BT * C), dln: f(BT * C), datty: f(BT * C),
		dqkv: f(BT * 3 * C), dfch: f(BT * 4 * C), dfchGelu: f(BT * 4 * C),
		dlnf: f(BT * C), dhead: f(BT * C),
	}
}

// InitWeights draws fresh parameters as GPT-2 does: weights from N(0, 0.02²),
// the two projections that feed the residual stream scaled down by
// 1/sqrt(2L) so that the stream's variance does not grow with depth, biases
// zero, LayerNorm gains one. The same seed gives the same weights on every
// platform.
func (m *Model) InitWeights(seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x7475746f72)) // "tutor"
	residualStd := 0.02 / math.Sqrt(2*float64(m.Config.L))
	for _, t := range m.Params.Tensors {
		data := t.Of(m.Params.Data)
		switch {
		case len(t.Shape) == 1 && isGain(t.Name):
			fill(data, 1)
		case len(t.Shape) == 1:
			fill(data, 0)
		default:
			std := 0.02
			if isResidualProjection(t.Name) {
				std = residualStd
			}
			for j := range data {
				data[j] = float32(rng.NormFloat64() * std)
			}
		}
	}
}

func isGain(name string) bool {
	return hasSuffix(name, "ln_1.weight") || hasSuffix(name, "ln_2.weight") || name == "ln_f.weight"
}

func isResidualProjection(name string) bool {
	return hasSuffix(name, "attn.proj.weight") || hasSuffix(name, "mlp.proj.weight")
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

func fill(s []float32, v float32) {
	for i := range s {
		s[i] = v
	}
}

// SeedDropout restarts dropout's random numbers, so that a run is
// repeatable.
func (m *Model) SeedDropout(seed uint64) {
	m.rng = *rand.NewPCG(seed, 0x64726f706f7574) // "dropout"
}

// ZeroGrad clears the gradients of the parameters and of the adapters.
// Backward adds into them, so a training step calls this first (and
// gradient accumulation over several batches simply does not).
func (m *Model) ZeroGrad() {
	clear(m.Params.Grad)
	if m.LoRA != nil {
		clear(m.LoRA.Params.Grad)
	}
}

// Output is the head's logits from the last Forward, valid until the next
// call: (B,T,V) for TaskLM and for TaskMLM without targets, (N,V) for the N
// masked positions of a TaskMLM batch with targets (in the order of the
// batch), (B,T,NumTags) for TaskTag and (B,NumClasses) for TaskClassify.
func (m *Model) Output() []float32 {
	if !m.forwarded {
		return nil
	}
	rows, width := m.outputShape()
	return m.acts.logits[:rows*width]
}

// outputShape is the head's logits as (rows, width) for the last forward.
func (m *Model) outputShape() (rows, width int) {
	switch m.task {
	case TaskTag:
		return m.batchSize * m.seqLen, m.Config.NumTags
	case TaskClassify:
		return m.batchSize, m.Config.NumClasses
	case TaskMLM:
		if m.hasTargets {
			return m.numMasked, m.Config.V
		}
	}
	return m.batchSize * m.seqLen, m.Config.V
}
