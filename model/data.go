package model

import (
	"fmt"
	"math/rand/v2"
)

// MaskPolicy is BERT's recipe for the masked objective: choose each real
// token with probability Rate; of the chosen, replace 80% by MaskID, 10% by
// a random ordinary token and leave 10% as they are. The model must predict
// every chosen token.
type MaskPolicy struct {
	Rate   float64 // 0.15
	MaskID int32   // the tokenizer's mask token
	// Reserved ids below this are special tokens (end-of-text, padding,
	// mask, ...): they are never chosen and never drawn as random
	// replacements.
	NumSpecial int32
	V          int32 // vocabulary size
}

// BERTMasking is the 15% / 80-10-10 policy for a vocabulary of V tokens
// whose first numSpecial ids are special, maskID among them.
func BERTMasking(V, numSpecial, maskID int32) MaskPolicy {
	return MaskPolicy{Rate: 0.15, MaskID: maskID, NumSpecial: numSpecial, V: V}
}

func (p MaskPolicy) check() error {
	if !(p.Rate > 0 && p.Rate <= 1) {
		return fmt.Errorf("masking: rate %v must be in (0,1]", p.Rate)
	}
	if p.NumSpecial < 0 || p.NumSpecial >= p.V || p.MaskID < 0 || p.MaskID >= p.V {
		return fmt.Errorf("masking: mask id %d and %d special tokens do not fit a vocabulary of %d", p.MaskID, p.NumSpecial, p.V)
	}
	return nil
}

// MaskTokens turns a batch of token sequences into a masked-LM batch in
// place: tokens (B,T) get masked, targets (B,T) receive the original token
// at chosen positions and IgnoreIndex elsewhere. valid (B) or nil gives each
// sequence's real length; padding is never chosen. A sequence with at least
// one ordinary token always gets at least one chosen position, so that no
// sequence contributes nothing. rng makes it repeatable.
func MaskTokens(rng *rand.Rand, p MaskPolicy, tokens, targets []int32, valid []int, B, T int) error {
	if err := p.check(); err != nil {
		return err
	}
	if len(tokens) < B*T || len(targets) < B*T || (valid != nil && len(valid) < B) {
		return fmt.Errorf("masking: buffers too short for B=%d, T=%d", B, T)
	}
	for b := range B {
		n := T
		if valid != nil {
			n = min(max(valid[b], 0), T)
		}
		seq, tgt := tokens[b*T:b*T+n], targets[b*T:b*T+T]
		fill32(tgt, IgnoreIndex)
		chosen := 0
		for i, tok := range seq {
			if tok >= p.NumSpecial && rng.Float64() < p.Rate {
				p.corrupt(rng, seq, tgt, i)
				chosen++
			}
		}
		if chosen == 0 {
			p.chooseOne(rng, seq, tgt)
		}
	}
	return nil
}

// corrupt chooses position i: it records the target and applies 80/10/10.
func (p MaskPolicy) corrupt(rng *rand.Rand, seq, tgt []int32, i int) {
	tgt[i] = seq[i]
	switch r := rng.Float64(); {
	case r < 0.8:
		seq[i] = p.MaskID
	case r < 0.9:
		seq[i] = p.NumSpecial + rng.Int32N(p.V-p.NumSpecial)
	}
}

// chooseOne chooses one ordinary position of seq uniformly, if it has any.
func (p MaskPolicy) chooseOne(rng *rand.Rand, seq, tgt []int32) {
	ordinary := 0
	for _, tok := range seq {
		if tok >= p.NumSpecial {
			ordinary++
		}
	}
	if ordinary == 0 {
		return
	}
	k := rng.IntN(ordinary)
	for i, tok := range seq {
		if tok < p.NumSpecial {
			continue
		}
		if k == 0 {
			p.corrupt(rng, seq, tgt, i)
			return
		}
		k--
	}
}

// NextTokenTargets fills targets (B,T) for language modelling from tokens
// (B,T): each position's target is the token after it, and the last real
// position of each sequence (valid (B) or nil) and the padding get
// IgnoreIndex. A stream cut into windows does better to take its targets
// from the stream itself (T+1 tokens per window), as llm.c does.
func NextTokenTargets(targets, tokens []int32, valid []int, B, T int) {
	for b := range B {
		n := T
		if valid != nil {
			n = min(max(valid[b], 0), T)
		}
		for t := range T {
			y := int32(IgnoreIndex)
			if t+1 < n {
				y = tokens[b*T+t+1]
			}
			targets[b*T+t] = y
		}
	}
}

func fill32(s []int32, v int32) {
	for i := range s {
		s[i] = v
	}
}
