package grader

import (
	"strings"
	"testing"
)

func TestFormatInput(t *testing.T) {
	for _, c := range []struct {
		exercise string
		refs     []string
		answer   string
		want     string
	}{
		{"看看", []string{"take a look at", "to take a look at"}, "take a look",
			"answer: take a look | reference: take a look at / to take a look at | exercise: 看看"},
		{"The ___ sat\non the mat.", []string{"  cat ", "", "\t"}, " the\n cat ",
			"answer: the cat | reference: cat | exercise: The ___ sat on the mat."},
		{"  ", []string{"house"}, "home", "answer: home | reference: house"},
	} {
		if got := FormatInput(c.exercise, c.refs, c.answer); got != c.want {
			t.Errorf("FormatInput(%q, %q, %q) = %q, want %q", c.exercise, c.refs, c.answer, got, c.want)
		}
	}
	// The answer leads, so cutting a long input keeps it.
	long := FormatInput(strings.Repeat("练习", 500), []string{"ref"}, "my answer")
	if !strings.HasPrefix(long, "answer: my answer | ") {
		t.Errorf("a long exercise moved the answer: %q…", long[:40])
	}
}

func TestNormalize(t *testing.T) {
	same := [][2]string{
		{"Take a look at", "take a look at"},
		{"take a look at。", "take a look at"},
		{"I like tea .", "i like tea"},
		{"ｈｏｕｓｅ！", "house"},
		{"don’t  worry", "don't worry"},
		{"Hello , world!?", "hello, world"},
	}
	for _, p := range same {
		if !SameAnswer(p[0], p[1]) {
			t.Errorf("%q and %q should be the same answer (%q, %q)", p[0], p[1], Normalize(p[0]), Normalize(p[1]))
		}
	}
	different := [][2]string{
		{"a house", "house"},
		{"dont worry", "don't worry"},
		{"houses", "house"},
		{"I like, tea", "I like tea"},
	}
	for _, p := range different {
		if SameAnswer(p[0], p[1]) {
			t.Errorf("%q and %q should differ", p[0], p[1])
		}
	}
}
