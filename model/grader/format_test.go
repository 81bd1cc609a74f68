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
			"answer: take a look | change: > at | reference: take a look at / to take a look at | exercise: 看看"},
		{"The ___ sat\non the mat.", []string{"  cat ", "", "\t"}, " the\n cat ",
			"answer: the cat | change: the > | reference: cat | exercise: The ___ sat on the mat."},
		{"  ", []string{"house"}, "home", "answer: home | change: home > house (2 letters) | reference: house"},
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

func TestChanges(t *testing.T) {
	for _, c := range []struct {
		refs   []string
		answer string
		want   string
	}{
		{[]string{"The idea of the game is to win."}, "the thought of the game is to win", "thought > idea (5+ letters)"},
		{[]string{"She goes to school."}, "She go to school", "go > goes (2 letters)"},
		{[]string{"I ate an apple."}, "I ate apple.", "> an"},
		{[]string{"I ate an apple."}, "I ate an an apple.", "an >"},
		{[]string{"I ate an apple."}, "I eated a apple", "eated a > ate an"},
		{[]string{"I ate an apple."}, "Yesterday I ate an apple.", "yesterday >"},
		{[]string{"The cat sat on the mat."}, "A dog ran under the bed.", "most words"},
		{[]string{"x y z", "take a look at"}, "take a look", "> at"},
		{[]string{"know"}, "KNOW!", "none"},
		{[]string{"know"}, "knows", "knows > know (1 letter)"},
		{[]string{"beautiful"}, "ugly", "ugly > beautiful (5+ letters)"},
		{[]string{"a b c d e f g h"}, "x b y d z f w h", "most words"}, // four runs
		{[]string{" "}, "anything", "most words"},
	} {
		if got := Changes(c.refs, c.answer); got != c.want {
			t.Errorf("Changes(%q, %q) = %q, want %q", c.refs, c.answer, got, c.want)
		}
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
