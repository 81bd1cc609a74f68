package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// LoRAConfig sets the low-rank adapters (Hu et al., 2021): each adapted
// weight W (OC,C) computes with W + (Alpha/Rank)·B·A, where A is (Rank,C)
// and B is (OC,Rank).
type LoRAConfig struct {
	Rank  int     `json:"rank"`
	Alpha float32 `json:"alpha"`
}

// Validate says what is wrong with the settings, if anything.
func (c LoRAConfig) Validate() error {
	if c.Rank < 1 || c.Rank > 1024 {
		return fmt.Errorf("lora: rank %d must be between 1 and 1024", c.Rank)
	}
	if !(c.Alpha > 0) || math.IsInf(float64(c.Alpha), 0) {
		return fmt.Errorf("lora: alpha %v must be a positive number (it is usually 1 to 2 times the rank)", c.Alpha)
	}
	return nil
}

// Scale is the factor Alpha/Rank applied to B·A.
func (c LoRAConfig) Scale() float32 { return c.Alpha / float32(c.Rank) }

// NumParams is the number of adapter parameters for a model of shape cfg.
func (c LoRAConfig) NumParams(cfg Config) int64 {
	_, n := layoutOf(loraSpecs(cfg, c.Rank))
	return int64(n)
}

// The adapted weights of each block.
type loraSite int

const (
	loraQKV     loraSite = iota // attn.qkv.weight (3C,C)
	loraAttProj                 // attn.proj.weight (C,C)
	loraFC                      // mlp.fc.weight (4C,C)
	loraFCProj                  // mlp.proj.weight (C,4C)
	numLoRASites
)

var loraSiteNames = [numLoRASites]string{"attn.qkv", "attn.proj", "mlp.fc", "mlp.proj"}

// siteShape is the adapted weight's (out, in) channels.
func siteShape(c Config, s loraSite) (out, in int) {
	switch s {
	case loraQKV:
		return 3 * c.C, c.C
	case loraFC:
		return 4 * c.C, c.C
	case loraFCProj:
		return c.C, 4 * c.C
	}
	return c.C, c.C
}

// Adapter is one adapted weight's pair of low-rank factors.
type Adapter struct {
	A []float32 // (Rank,in)
	B []float32 // (out,Rank)
}

// LoRA holds the adapters of every block in one flat parameter set of its
// own, with gradients and AdamW moments in the same layout.
type LoRA struct {
	Config LoRAConfig
	Params ParamSet
	W, G   [][numLoRASites]Adapter // [layer][site] views into Params.Data, Params.Grad
	out    []float32               // (B,T,4C) scratch: the adapter's addition to a matmul's output
	dh     []float32               // (B,T,Rank) scratch: gradient of A's output
}

// loraSpecs is the adapters' layout; the names follow the weight they adapt,
// e.g. h.0.attn.qkv.lora_A.weight.
func loraSpecs(c Config, rank int) []tensorSpec {
	var s []tensorSpec
	for l := range c.L {
		for site := range numLoRASites {
			out, in := siteShape(c, site)
			p := fmt.Sprintf("h.%d.%s.", l, loraSiteNames[site])
			s = append(s,
				tensorSpec{p + "lora_A.weight", []int{rank, in}, true, nil},
				tensorSpec{p + "lora_B.weight", []int{out, rank}, true, nil})
		}
	}
	return s
}

// AttachLoRA adds fresh adapters to the attention and MLP weights of every
// block and freezes the body: from now on Update trains only the adapters
// and the tagging and classification heads. (The LM head is the token
// embedding matrix, so it stays frozen too.) A starts small and random,
// B at zero, so the model computes exactly what it did before.
func (m *Model) AttachLoRA(cfg LoRAConfig, seed uint64) error {
	if m.LoRA != nil {
		return errors.New("model: LoRA adapters are already attached; Merge them first")
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	m.attachLoRA(cfg)
	rng := rand.New(rand.NewPCG(seed, 0x6c6f7261)) // "lora"
	for l := range m.LoRA.W {
		for site := range numLoRASites {
			_, in := siteShape(m.Config, site)
			// Uniform on ±1/sqrt(in), the scale of a default linear layer.
			bound := 1 / math.Sqrt(float64(in))
			for i := range m.LoRA.W[l][site].A {
				m.LoRA.W[l][site].A[i] = float32((2*rng.Float64() - 1) * bound)
			}
		}
	}
	return nil
}

// attachLoRA allocates zeroed adapters and their buffers and freezes the
// body.
func (m *Model) attachLoRA(cfg LoRAConfig) {
	c, r := m.Config, cfg.Rank
	lo := &LoRA{Config: cfg, Params: newParamSet(loraSpecs(c, r), !m.inference)}
	lo.W = loraViews(c, lo.Params.Tensors, lo.Params.Data)
	if !m.inference {
		lo.G = loraViews(c, lo.Params.Tensors, lo.Params.Grad)
		lo.dh = make([]float32, m.MaxB*c.T*r)
	}
	lo.out = make([]float32, m.MaxB*c.T*4*c.C)
	for l := range m.acts.layers {
		for site := range numLoRASites {
			m.acts.layers[l].lora[site] = make([]float32, m.MaxB*c.T*r)
		}
	}
	m.LoRA = lo
	m.SetTrainable(func(name string) bool {
		return strings.HasPrefix(name, "tag_head.") || strings.HasPrefix(name, "cls_head.")
	})
}

func loraViews(c Config, tensors []Tensor, buf []float32) [][numLoRASites]Adapter {
	v := make([][numLoRASites]Adapter, c.L)
	i := 0
	for l := range v {
		for site := range numLoRASites {
			v[l][site] = Adapter{A: tensors[i].Of(buf), B: tensors[i+1].Of(buf)}
			i += 2
		}
	}
	return v
}

// SetTrainable marks which of the body's and heads' tensors Update
// changes (by name, as in model.safetensors). Adapters stay trainable.
func (m *Model) SetTrainable(train func(name string) bool) {
	for i := range m.Params.Tensors {
		m.Params.Tensors[i].Trainable = train(m.Params.Tensors[i].Name)
	}
}

// Merge folds the adapters into the weights they adapt (W += scale·B·A)
// and removes them, leaving a plain model that computes the same function,
// ready for export. Every tensor is trainable again afterwards.
func (m *Model) Merge() error {
	lo := m.LoRA
	if lo == nil {
		return errors.New("model: no LoRA adapters to merge")
	}
	s, r := float64(lo.Config.Scale()), lo.Config.Rank
	for l := range lo.W {
		lw := &m.W.Layers[l]
		weights := [numLoRASites][]float32{lw.QKVW, lw.AttProjW, lw.FCW, lw.FCProjW}
		for site := range numLoRASites {
			out, in := siteShape(m.Config, site)
			addLowRank(weights[site], lo.W[l][site], s, out, in, r)
		}
	}
	m.LoRA = nil
	for l := range m.acts.layers {
		m.acts.layers[l].lora = [numLoRASites][]float32{}
	}
	m.SetTrainable(func(string) bool { return true })
	return nil
}

// addLowRank adds s·B·A to w. w is (out,in), A is (r,in), B is (out,r).
func addLowRank(w []float32, ad Adapter, s float64, out, in, r int) {
	for o := range out {
		row := w[o*in : (o+1)*in]
		for i := range row {
			var sum float64
			for k := range r {
				sum += float64(ad.B[o*r+k]) * float64(ad.A[k*in+i])
			}
			row[i] += float32(s * sum)
		}
	}
}

// matmulForward is out = inp·wᵀ + bias, plus the adapter's
// scale·(inp·Aᵀ)·Bᵀ when LoRA is attached. The scaled product inp·Aᵀ is
// saved for the backward pass.
// out is (B,T,OC), inp is (B,T,C), w is (OC,C), bias is (OC).
func (m *Model) matmulForward(out, inp, w, bias []float32, B, T, C, OC, l int, site loraSite) {
	m.Ops.MatmulForward(out, inp, w, bias, B, T, C, OC)
	lo := m.LoRA
	if lo == nil {
		return
	}
	r, ad := lo.Config.Rank, lo.W[l][site]
	h := m.acts.layers[l].lora[site]
	m.Ops.MatmulForward(h, inp, ad.A, nil, B, T, C, r) // (B,T,r)
	scale(h[:B*T*r], lo.Config.Scale())
	m.Ops.MatmulForward(lo.out, h, ad.B, nil, B, T, r, OC) // (B,T,OC)
	m.Ops.ResidualForward(out, out, lo.out, B*T*OC)
}

// matmulBackward differentiates matmulForward: dinp, dw, dbias and, with
// LoRA, the adapter's gradients collect it. A frozen base weight's (and
// bias's) gradient is skipped: Update and GradNorm never read it, and
// computing it would be a third of the matmul's backward work.
// dinp is (B,T,C), dw is (OC,C), dbias is (OC), dout is (B,T,OC).
func (m *Model) matmulBackward(dinp, dw, dbias, dout, inp, w []float32, B, T, C, OC, l int, site loraSite) {
	m.Ops.MatmulBackward(dinp, m.trainableGrad(dw), m.trainableGrad(dbias), dout, inp, w, B, T, C, OC)
	lo := m.LoRA
	if lo == nil {
		return
	}
	r, ad, gd := lo.Config.Rank, lo.W[l][site], lo.G[l][site]
	h, dh := m.acts.layers[l].lora[site], lo.dh[:B*T*r]
	clear(dh)
	m.Ops.MatmulBackward(dh, gd.B, nil, dout, h, ad.B, B, T, r, OC)
	scale(dh, lo.Config.Scale())
	m.Ops.MatmulBackward(dinp, gd.A, nil, dh, inp, ad.A, B, T, C, r)
}

// trainableGrad returns g, a tensor's gradient view into Params.Grad, or
// nil when that tensor is frozen, which tells the matmul kernels to skip
// it. The search is over the tensor list (a few hundred pointer
// comparisons a pass), so that SetTrainable needs no bookkeeping.
func (m *Model) trainableGrad(g []float32) []float32 {
	if len(g) == 0 || m.frozenGrads {
		return g
	}
	p := &m.Params
	for _, t := range p.Tensors {
		if t.Size == len(g) && &p.Grad[t.Offset] == &g[0] {
			if t.Trainable {
				return g
			}
			return nil
		}
	}
	return g
}

func scale(x []float32, s float32) {
	for i := range x {
		x[i] *= s
	}
}
