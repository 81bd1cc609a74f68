package model

import (
	"errors"
	"math"
)

// Generator continues one sequence a token at a time, keeping every
// block's keys and values so that each new token costs one position's work
// instead of a forward pass over the whole context. Its buffers are
// allocated once, in NewGenerator; Feed and Generate allocate nothing
// beyond the tokens Generate returns.
//
// Once the context fills the model's T positions, each further token is
// computed by Logits over the last T tokens (the learned positions cannot
// go further), which is slower but gives the same result.
type Generator struct {
	m      *Model
	k, v   [][]float32 // [layer] (T,C) keys and values of the positions seen
	tokens []int32     // (T) the context while it fits, else the last T tokens
	n      int         // positions in the cache
	full   []int32     // scratch for the sliding window once the context overflows
	// One position's activations.
	x, ln, atty, att, proj, fch []float32
	qkv                         []float32 // (3C)
	logits                      []float32 // (V)
	// Arguments that go through the Ops table live here: a local passed
	// to a function value escapes to the heap.
	tok        [1]int32
	mean, rstd [1]float32
}

// NewGenerator makes a generator for m, which must not be used for other
// work while the generator is in use (they share activation buffers).
func (m *Model) NewGenerator() *Generator {
	c := m.Config
	g := &Generator{m: m, tokens: make([]int32, 0, c.T), full: make([]int32, c.T),
		x: make([]float32, c.C), ln: make([]float32, c.C), atty: make([]float32, c.C),
		att: make([]float32, c.T), proj: make([]float32, c.C), fch: make([]float32, 8*c.C),
		qkv: make([]float32, 3*c.C), logits: make([]float32, c.V)}
	g.k, g.v = make([][]float32, c.L), make([][]float32, c.L)
	for l := range c.L {
		g.k[l], g.v[l] = make([]float32, c.T*c.C), make([]float32, c.T*c.C)
	}
	return g
}

// Reset forgets the context.
func (g *Generator) Reset() { g.n, g.tokens = 0, g.tokens[:0] }

// Feed appends tokens to the context and returns the logits of the next
// token (V), valid until the next call. The first Feed after Reset runs the
// whole prompt through the model at once.
func (g *Generator) Feed(tokens ...int32) ([]float32, error) {
	if len(tokens) == 0 {
		return nil, errors.New("generator: no tokens to feed")
	}
	for _, tok := range tokens {
		if tok < 0 || int(tok) >= g.m.Config.V {
			return nil, errors.New("generator: token outside the vocabulary; tokenize with this model's tokenizer")
		}
	}
	T := g.m.Config.T
	switch {
	case g.n == 0 && len(tokens) <= T:
		return g.prefill(tokens)
	case g.n+len(tokens) <= T:
		var logits []float32
		for _, tok := range tokens {
			logits = g.step(tok)
		}
		return logits, nil
	}
	return g.slide(tokens)
}

// prefill runs the prompt through the batched forward pass and keeps each
// block's keys and values from its qkv activations.
func (g *Generator) prefill(tokens []int32) ([]float32, error) {
	logits, err := g.m.Logits(tokens)
	if err != nil {
		return nil, err
	}
	C := g.m.Config.C
	for l := range g.k {
		qkv := g.m.acts.layers[l].qkv
		for t := range tokens {
			copy(g.k[l][t*C:(t+1)*C], qkv[t*3*C+C:t*3*C+2*C])
			copy(g.v[l][t*C:(t+1)*C], qkv[t*3*C+2*C:t*3*C+3*C])
		}
	}
	g.n = len(tokens)
	g.tokens = append(g.tokens[:0], tokens...)
	return logits, nil
}

// slide handles a context longer than T: Logits over the last T tokens.
func (g *Generator) slide(tokens []int32) ([]float32, error) {
	T := g.m.Config.T
	keep := max(T-len(tokens), 0)
	w := g.full[:0]
	w = append(w, g.tokens[len(g.tokens)-min(keep, len(g.tokens)):]...)
	w = append(w, tokens[max(len(tokens)-T, 0):]...)
	g.tokens = append(g.tokens[:0], w...)
	g.n = T // the cache no longer matches positions; stay on this path
	return g.m.Logits(g.tokens)
}

// step computes one new position from the cache: the same ops as
// forwardBody, on one row, with attention over the cached keys.
func (g *Generator) step(tok int32) []float32 {
	m, o, w := g.m, g.m.Ops, &g.m.W
	C, NH, pos := m.Config.C, m.Config.NH, g.n
	x, mean, rstd := g.x, g.mean[:], g.rstd[:]
	g.tok[0] = tok
	o.EncoderForward(x, g.tok[:], w.WTE, w.WPE[pos*C:], 1, 1, C) // (C)
	for l := range m.Config.L {
		lw := &w.Layers[l]
		o.LayerNormForward(g.ln, mean, rstd, x, lw.LN1W, lw.LN1B, 1, 1, C)
		m.matmulForward(g.qkv, g.ln, lw.QKVW, lw.QKVB, 1, 1, C, 3*C, l, loraQKV) // (3C)
		copy(g.k[l][pos*C:(pos+1)*C], g.qkv[C:2*C])
		copy(g.v[l][pos*C:(pos+1)*C], g.qkv[2*C:3*C])
		g.attend(l, pos, NH)
		m.matmulForward(g.proj, g.atty, lw.AttProjW, lw.AttProjB, 1, 1, C, C, l, loraAttProj)
		o.ResidualForward(x, x, g.proj, C)
		o.LayerNormForward(g.ln, mean, rstd, x, lw.LN2W, lw.LN2B, 1, 1, C)
		h, hg := g.fch[:4*C], g.fch[4*C:]
		m.matmulForward(h, g.ln, lw.FCW, lw.FCB, 1, 1, C, 4*C, l, loraFC)
		o.GeluForward(hg, h, 4*C)
		m.matmulForward(g.proj, hg, lw.FCProjW, lw.FCProjB, 1, 1, 4*C, C, l, loraFCProj)
		o.ResidualForward(x, x, g.proj, C)
	}
	o.LayerNormForward(g.ln, mean, rstd, x, w.LNFW, w.LNFB, 1, 1, C)
	o.MatmulForward(g.logits, g.ln, w.WTE, nil, 1, 1, C, m.Config.V) // (V)
	g.n++
	g.tokens = append(g.tokens, tok)
	return g.logits
}

// attend is causal attention of the new position's query (in g.qkv) over
// the cached positions 0..pos, head by head, into g.atty.
func (g *Generator) attend(l, pos, NH int) {
	C := g.m.Config.C
	hs := C / NH
	scale := float32(1 / math.Sqrt(float64(hs)))
	for h := range NH {
		q := g.qkv[h*hs : (h+1)*hs]
		att := g.att[:pos+1]
		top := float32(math.Inf(-1))
		for u := range att {
			k := g.k[l][u*C+h*hs : u*C+(h+1)*hs]
			var dot float32
			for i, qi := range q {
				dot += qi * k[i]
			}
			att[u] = dot * scale
			top = max(top, att[u])
		}
		var sum float32
		for u, s := range att {
			att[u] = float32(math.Exp(float64(s - top)))
			sum += att[u]
		}
		out := g.atty[h*hs : (h+1)*hs]
		clear(out)
		for u, p := range att {
			v := g.v[l][u*C+h*hs : u*C+(h+1)*hs]
			p /= sum
			for i, vi := range v {
				out[i] += p * vi
			}
		}
	}
}

// Generate continues prompt by up to n tokens, each chosen from the logits
// by next (Greedy, or a Sampler's Next), stopping after a token for which
// stop returns true (stop may be nil). It appends the new tokens to dst and
// returns it. It starts from a fresh context.
func (g *Generator) Generate(dst, prompt []int32, n int, next func(logits []float32) int32, stop func(tok int32) bool) ([]int32, error) {
	g.Reset()
	logits, err := g.Feed(prompt...)
	for i := 0; err == nil && i < n; i++ {
		tok := next(logits)
		dst = append(dst, tok)
		if (stop != nil && stop(tok)) || i == n-1 {
			break
		}
		logits, err = g.Feed(tok)
	}
	return dst, err
}
