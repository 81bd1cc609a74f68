package model

import "fmt"

// Tensor is one named tensor of a flat parameter set: the numbers
// Data[Offset:Offset+Size] of its ParamSet, read row-major as Shape.
type Tensor struct {
	Name   string
	Shape  []int
	Offset int
	Size   int
	// Decay says whether AdamW's weight decay applies. Every matrix decays
	// (token and position embeddings, the projections, the heads, LoRA's A
	// and B), as in GPT-2 and nanoGPT; vectors — biases and LayerNorm gains
	// and shifts — do not, because shrinking them toward zero is not a
	// simpler model, only a differently scaled one.
	Decay bool
	// Trainable says whether Update changes it. Everything is trainable in
	// a new model; attaching LoRA freezes the body (see AttachLoRA).
	Trainable bool
}

// ParamSet is one flat buffer of parameters with their gradients and AdamW
// moments, all in the same layout: tensor i occupies the same range of
// Data, Grad, M and V. Grad, M and V are nil in an inference-only model.
type ParamSet struct {
	Tensors []Tensor
	Data    []float32
	Grad    []float32
	M, V    []float32
}

// newParamSet lays the tensors out back to back and allocates the buffers.
func newParamSet(specs []tensorSpec, withGrads bool) ParamSet {
	tensors, n := layoutOf(specs)
	s := ParamSet{Tensors: tensors, Data: make([]float32, n)}
	if withGrads {
		s.Grad = make([]float32, n)
		s.M = make([]float32, n)
		s.V = make([]float32, n)
	}
	return s
}

// Len is the number of parameters in the set.
func (s *ParamSet) Len() int { return len(s.Data) }

// Find returns the tensor named name.
func (s *ParamSet) Find(name string) (*Tensor, bool) {
	for i := range s.Tensors {
		if s.Tensors[i].Name == name {
			return &s.Tensors[i], true
		}
	}
	return nil, false
}

// Of returns t's range of buf, which is Data, Grad, M or V of the set.
func (t *Tensor) Of(buf []float32) []float32 { return buf[t.Offset : t.Offset+t.Size] }

// tensorSpec is one tensor of a layout: its name, shape, whether it decays,
// and the Weights field that views it.
type tensorSpec struct {
	name  string
	shape []int
	decay bool
	view  func(w *Weights) *[]float32
}

// Weights are the named views into a flat buffer laid out by Config.specs:
// the parameters themselves, or their gradients, or a moment of AdamW.
type Weights struct {
	WTE    []float32 // (V,C) token embeddings, also the LM head's weight
	WPE    []float32 // (T,C) position embeddings
	Layers []LayerWeights
	LNFW   []float32 // (C) final LayerNorm gain
	LNFB   []float32 // (C) final LayerNorm shift
	TagW   []float32 // (NumTags,C) token tagging head
	TagB   []float32 // (NumTags)
	ClsW   []float32 // (NumClasses,C) sequence classification head
	ClsB   []float32 // (NumClasses)
}

// LayerWeights are one transformer block's views.
type LayerWeights struct {
	LN1W, LN1B []float32 // (C)
	QKVW       []float32 // (3C,C)
	QKVB       []float32 // (3C)
	AttProjW   []float32 // (C,C)
	AttProjB   []float32 // (C)
	LN2W, LN2B []float32 // (C)
	FCW        []float32 // (4C,C)
	FCB        []float32 // (4C)
	FCProjW    []float32 // (C,4C)
	FCProjB    []float32 // (C)
}

// specs is the layout of a model's parameters, in buffer order. The names
// are the tensor names in model.safetensors.
func (c Config) specs() []tensorSpec {
	C, L := c.C, c.L
	s := []tensorSpec{
		{"wte.weight", []int{c.V, C}, true, func(w *Weights) *[]float32 { return &w.WTE }},
		{"wpe.weight", []int{c.T, C}, true, func(w *Weights) *[]float32 { return &w.WPE }},
	}
	for l := range L {
		lw := func(w *Weights) *LayerWeights { return &w.Layers[l] }
		p := fmt.Sprintf("h.%d.", l)
		s = append(s,
			tensorSpec{p + "ln_1.weight", []int{C}, false, func(w *Weights) *[]float32 { return &lw(w).LN1W }},
			tensorSpec{p + "ln_1.bias", []int{C}, false, func(w *Weights) *[]float32 { return &lw(w).LN1B }},
			tensorSpec{p + "attn.qkv.weight", []int{3 * C, C}, true, func(w *Weights) *[]float32 { return &lw(w).QKVW }},
			tensorSpec{p + "attn.qkv.bias", []int{3 * C}, false, func(w *Weights) *[]float32 { return &lw(w).QKVB }},
			tensorSpec{p + "attn.proj.weight", []int{C, C}, true, func(w *Weights) *[]float32 { return &lw(w).AttProjW }},
			tensorSpec{p + "attn.proj.bias", []int{C}, false, func(w *Weights) *[]float32 { return &lw(w).AttProjB }},
			tensorSpec{p + "ln_2.weight", []int{C}, false, func(w *Weights) *[]float32 { return &lw(w).LN2W }},
			tensorSpec{p + "ln_2.bias", []int{C}, false, func(w *Weights) *[]float32 { return &lw(w).LN2B }},
			tensorSpec{p + "mlp.fc.weight", []int{4 * C, C}, true, func(w *Weights) *[]float32 { return &lw(w).FCW }},
			tensorSpec{p + "mlp.fc.bias", []int{4 * C}, false, func(w *Weights) *[]float32 { return &lw(w).FCB }},
			tensorSpec{p + "mlp.proj.weight", []int{C, 4 * C}, true, func(w *Weights) *[]float32 { return &lw(w).FCProjW }},
			tensorSpec{p + "mlp.proj.bias", []int{C}, false, func(w *Weights) *[]float32 { return &lw(w).FCProjB }},
		)
	}
	s = append(s,
		tensorSpec{"ln_f.weight", []int{C}, false, func(w *Weights) *[]float32 { return &w.LNFW }},
		tensorSpec{"ln_f.bias", []int{C}, false, func(w *Weights) *[]float32 { return &w.LNFB }},
	)
	if c.NumTags > 0 {
		s = append(s,
			tensorSpec{"tag_head.weight", []int{c.NumTags, C}, true, func(w *Weights) *[]float32 { return &w.TagW }},
			tensorSpec{"tag_head.bias", []int{c.NumTags}, false, func(w *Weights) *[]float32 { return &w.TagB }},
		)
	}
	if c.NumClasses > 0 {
		s = append(s,
			tensorSpec{"cls_head.weight", []int{c.NumClasses, C}, true, func(w *Weights) *[]float32 { return &w.ClsW }},
			tensorSpec{"cls_head.bias", []int{c.NumClasses}, false, func(w *Weights) *[]float32 { return &w.ClsB }},
		)
	}
	return s
}

// layout is the tensors of the model's parameter set, without buffers.
func (c Config) layout() []Tensor {
	ts, _ := layoutOf(c.specs())
	return ts
}

// layoutOf places the tensors of specs back to back and returns them with
// the total number of parameters.
func layoutOf(specs []tensorSpec) ([]Tensor, int) {
	ts := make([]Tensor, len(specs))
	off := 0
	for i, sp := range specs {
		n := 1
		for _, d := range sp.shape {
			n *= d
		}
		ts[i] = Tensor{Name: sp.name, Shape: sp.shape, Offset: off, Size: n, Decay: sp.decay, Trainable: true}
		off += n
	}
	return ts, off
}

// viewWeights returns the named views into buf, laid out by specs.
func viewWeights(c Config, specs []tensorSpec, tensors []Tensor, buf []float32) Weights {
	w := Weights{Layers: make([]LayerWeights, c.L)}
	for i, sp := range specs {
		*sp.view(&w) = tensors[i].Of(buf)
	}
	return w
}
