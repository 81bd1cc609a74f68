package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Logits returns the language-modelling head's scores for the token that
// follows tokens (causal attention, no dropout): (V), a view into the
// model's buffers that the next call overwrites. A context longer than the
// model's T keeps its last T tokens. Only the last position goes through
// the LM head, so generation does not pay for T rows of V logits. Logits
// allocates nothing.
func (m *Model) Logits(tokens []int32) ([]float32, error) {
	if err := m.acceptOne(TaskLM, tokens); err != nil {
		return nil, err
	}
	a, C, V := &m.acts, m.Config.C, m.Config.V
	last := a.lnf[(m.seqLen-1)*C : m.seqLen*C]
	m.Ops.MatmulForward(a.logits, last, m.W.WTE, nil, 1, 1, C, V) // (V)
	m.forwarded = false                                           // Output describes Forward only
	return a.logits[:V], nil
}

// TagLogits returns the tagging head's scores for each of tokens
// (bidirectional attention, no dropout): (T,NumTags), valid until the next
// call.
func (m *Model) TagLogits(tokens []int32) ([]float32, error) {
	_, err := m.forward(Batch{Task: TaskTag, B: 1, T: len(tokens), Tokens: tokens}, false)
	if err != nil {
		return nil, err
	}
	return m.Output(), nil
}

// ClassLogits returns the classification head's scores for the sequence
// tokens (no dropout): (NumClasses), valid until the next call.
func (m *Model) ClassLogits(tokens []int32) ([]float32, error) {
	_, err := m.forward(Batch{Task: TaskClassify, B: 1, T: len(tokens), Tokens: tokens}, false)
	if err != nil {
		return nil, err
	}
	return m.Output(), nil
}

// acceptOne runs the body on one sequence without dropout, keeping its last
// T tokens.
func (m *Model) acceptOne(task Task, tokens []int32) error {
	if len(tokens) == 0 {
		return errors.New("model: no tokens to continue; start from at least one token (e.g. end-of-text)")
	}
	if len(tokens) > m.Config.T {
		tokens = tokens[len(tokens)-m.Config.T:]
	}
	b := Batch{Task: task, B: 1, T: len(tokens), Tokens: tokens}
	if err := b.check(m.Config, m.MaxB); err != nil {
		return err
	}
	m.accept(&b)
	m.forwardBody(false)
	return nil
}

// Greedy is the index of the largest logit; ties go to the lowest index.
func Greedy(logits []float32) int32 {
	best := 0
	for i, v := range logits {
		if v > logits[best] {
			best = i
		}
	}
	return int32(best)
}

// Sampler draws next tokens from logits softened by a temperature and
// restricted to the TopK most likely, with its own seeded random numbers,
// so that a seed reproduces a generation. It allocates only in NewSampler.
type Sampler struct {
	Temperature float32 // ≤ 0 means greedy
	TopK        int     // ≤ 0 or ≥ V means the whole vocabulary
	rng         *rand.Rand
	idx         []int32   // scratch: candidate token ids
	w           []float64 // scratch: their weights
}

// NewSampler makes a sampler for a vocabulary of V tokens.
func NewSampler(V int, temperature float32, topK int, seed uint64) (*Sampler, error) {
	if V < 1 {
		return nil, fmt.Errorf("sampler: vocabulary size %d must be at least 1", V)
	}
	if math.IsNaN(float64(temperature)) || math.IsInf(float64(temperature), 0) {
		return nil, fmt.Errorf("sampler: temperature %v must be a finite number", temperature)
	}
	return &Sampler{Temperature: temperature, TopK: topK,
		rng: rand.New(rand.NewPCG(seed, 0x73616d706c65)), // "sample"
		idx: make([]int32, V), w: make([]float64, V)}, nil
}

// Next draws a token from logits (V).
func (s *Sampler) Next(logits []float32) int32 {
	if s.Temperature <= 0 || len(logits) == 0 {
		return Greedy(logits)
	}
	n := len(logits)
	if n > len(s.idx) {
		n = len(s.idx)
	}
	k := n
	if s.TopK > 0 && s.TopK < n {
		k = s.TopK
	}
	cand := s.topK(logits[:n], k)
	// Softmax over the candidates, shifted by the largest logit.
	top := float64(logits[cand[0]])
	var sum float64
	for i, id := range cand {
		s.w[i] = math.Exp((float64(logits[id]) - top) / float64(s.Temperature))
		sum += s.w[i]
	}
	u := s.rng.Float64() * sum
	for i, id := range cand {
		u -= s.w[i]
		if u < 0 {
			return id
		}
	}
	return cand[len(cand)-1]
}

// topK returns the ids of the k largest logits, largest first (ties by
// lower id), using s.idx: a selection by a min-heap of size k.
func (s *Sampler) topK(logits []float32, k int) []int32 {
	h := s.idx[:0]
	less := func(a, b int32) bool { // a ranks below b
		return logits[a] < logits[b] || (logits[a] == logits[b] && a > b)
	}
	for i := range logits {
		id := int32(i)
		switch {
		case len(h) < k:
			h = append(h, id)
			siftUp(h, len(h)-1, less)
		case less(h[0], id):
			h[0] = id
			siftDown(h, 0, less)
		}
	}
	// Pop the heap's minimum to the back repeatedly: largest first.
	for end := len(h) - 1; end > 0; end-- {
		h[0], h[end] = h[end], h[0]
		siftDown(h[:end], 0, less)
	}
	return h
}

func siftUp(h []int32, i int, less func(a, b int32) bool) {
	for i > 0 {
		p := (i - 1) / 2
		if !less(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func siftDown(h []int32, i int, less func(a, b int32) bool) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && less(h[c+1], h[c]) {
			c++
		}
		if !less(h[c], h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
