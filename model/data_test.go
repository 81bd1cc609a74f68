package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMaskTokensProportions: over many tokens, 15% are chosen and those
// split 80/10/10; specials and padding are never chosen.
func TestMaskTokensProportions(t *testing.T) {
	const B, T, V = 64, 128, 1000
	p := BERTMasking(V, 5, 2)
	rng := rand.New(rand.NewPCG(1, 1))
	tokens, targets := make([]int32, B*T), make([]int32, B*T)
	valid := make([]int, B)
	for b := range B {
		valid[b] = 1 + rng.IntN(T)
	}
	for i := range tokens {
		tokens[i] = rng.Int32N(V)
	}
	orig := append([]int32(nil), tokens...)
	if err := MaskTokens(rng, p, tokens, targets, valid, B, T); err != nil {
		t.Fatal(err)
	}
	var real, chosen, masked, random, kept int
	for i, y := range targets {
		b, pos := i/T, i%T
		if pos >= valid[b] {
			if y != IgnoreIndex || tokens[i] != orig[i] {
				t.Fatalf("padding at %d touched", i)
			}
			continue
		}
		if orig[i] >= p.NumSpecial {
			real++
		}
		if y == IgnoreIndex {
			if tokens[i] != orig[i] {
				t.Fatalf("unchosen token %d changed", i)
			}
			continue
		}
		chosen++
		if y != orig[i] || orig[i] < p.NumSpecial {
			t.Fatalf("target %d at %d, original %d", y, i, orig[i])
		}
		switch {
		case tokens[i] == p.MaskID:
			masked++
		case tokens[i] == orig[i]:
			kept++
		default:
			random++
			if tokens[i] < p.NumSpecial {
				t.Fatalf("random replacement %d is special", tokens[i])
			}
		}
	}
	near := func(name string, got, want, tol float64) {
		if math.Abs(got-want) > tol {
			t.Errorf("%s: %.3f, want %.3f", name, got, want)
		}
	}
	near("chosen", float64(chosen)/float64(real), 0.15, 0.015)
	near("masked", float64(masked)/float64(chosen), 0.8, 0.03)
	near("random", float64(random)/float64(chosen), 0.1, 0.03)
	near("kept", float64(kept)/float64(chosen), 0.1, 0.03)
}

// TestMaskTokensChoosesAtLeastOne: a short sequence always gets a target.
func TestMaskTokensChoosesAtLeastOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for range 200 {
		tokens, targets := []int32{0, 7, 9}, make([]int32, 3)
		if err := MaskTokens(rng, BERTMasking(20, 5, 2), tokens, targets, nil, 1, 3); err != nil {
			t.Fatal(err)
		}
		if targets[0] != IgnoreIndex || (targets[1] == IgnoreIndex && targets[2] == IgnoreIndex) {
			t.Fatalf("targets %v", targets)
		}
	}
	if err := MaskTokens(rng, MaskPolicy{Rate: 0.15, MaskID: 30, V: 20}, make([]int32, 3), make([]int32, 3), nil, 1, 3); err == nil {
		t.Error("a mask id outside the vocabulary accepted")
	}
}

func TestNextTokenTargets(t *testing.T) {
	tokens := []int32{1, 2, 3, 4, 5, 6, 7, 8}
	targets := make([]int32, 8)
	NextTokenTargets(targets, tokens, []int{4, 2}, 2, 4)
	want := []int32{2, 3, 4, -1, 6, -1, -1, -1}
	for i := range want {
		if targets[i] != want[i] {
			t.Fatalf("targets %v, want %v", targets, want)
		}
	}
}
