package model

import (
	"math"
	"testing"
)

func TestGreedy(t *testing.T) {
	if g := Greedy([]float32{1, 3, 3, -1}); g != 1 {
		t.Errorf("Greedy = %d, want the first of the tied maxima", g)
	}
}

func TestSamplerTopKAndTemperature(t *testing.T) {
	logits := []float32{0, 2, 1, 3, -1, 2.5}
	s, err := NewSampler(len(logits), 1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if got := s.Next(logits); got != 3 {
			t.Fatalf("top-1 sampling drew %d", got)
		}
	}
	// Top-3 draws only from {3, 5, 1}, with softmax frequencies.
	s, _ = NewSampler(len(logits), 1, 3, 2)
	counts := make([]int, len(logits))
	const n = 20000
	for range n {
		counts[s.Next(logits)]++
	}
	z := math.Exp(3) + math.Exp(2.5) + math.Exp(2)
	for id, c := range counts {
		want := 0.0
		switch id {
		case 3, 5, 1:
			want = math.Exp(float64(logits[id])) / z
		}
		if got := float64(c) / n; math.Abs(got-want) > 0.015 {
			t.Errorf("token %d drawn %.3f of the time, want %.3f", id, got, want)
		}
	}
	// The same seed repeats the same draws; temperature 0 is greedy.
	a, _ := NewSampler(len(logits), 0.7, 0, 9)
	b, _ := NewSampler(len(logits), 0.7, 0, 9)
	for range 50 {
		if a.Next(logits) != b.Next(logits) {
			t.Fatal("same seed, different draws")
		}
	}
	g, _ := NewSampler(len(logits), 0, 0, 9)
	if g.Next(logits) != 3 {
		t.Error("temperature 0 is not greedy")
	}
	if _, err := NewSampler(4, float32(math.Inf(1)), 0, 1); err == nil {
		t.Error("infinite temperature accepted")
	}
}
