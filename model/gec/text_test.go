package gec

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"I don't know.", []string{"I", "don't", "know", "."}},
		{"A well-known 3.5 km walk, 1,000 steps!", []string{"A", "well-known", "3.5", "km", "walk", ",", "1,000", "steps", "!"}},
		{"我喜欢tea，你呢？", []string{"我喜欢tea", "，", "你呢", "？"}},
		{"Tom's  ‘quote’ — end.", []string{"Tom's", "‘", "quote", "’", "—", "end", "."}},
		{"It’s 5:30 now...", []string{"It’s", "5", ":", "30", "now", ".", ".", "."}},
		{"  ", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range Tokenize(tt.text) {
			got = append(got, tok.Text)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestTokenizeKeepsOffsets: on every course sentence (and in full-width
// text), each token is exactly its slice of the text and only white space
// lies between tokens.
func TestTokenizeKeepsOffsets(t *testing.T) {
	texts := append(courseSentences(t), "他说：“I'm fine，thanks。”", "tab\tand\u00a0nbsp", "ends with a hyphen- and 'quotes'")
	for _, text := range texts {
		at := 0
		for _, tok := range Tokenize(text) {
			if text[tok.Start:tok.End] != tok.Text || tok.Text == "" {
				t.Fatalf("%q: token %+v is not its slice", text, tok)
			}
			if gap := text[at:tok.Start]; strings.TrimFunc(gap, unicode.IsSpace) != "" {
				t.Fatalf("%q: %q between tokens is not white space", text, gap)
			}
			if strings.IndexFunc(tok.Text, unicode.IsSpace) >= 0 {
				t.Fatalf("%q: token %q holds white space", text, tok.Text)
			}
			at = tok.End
		}
		if strings.TrimFunc(text[at:], unicode.IsSpace) != "" {
			t.Fatalf("%q: the end %q was not tokenized", text, text[at:])
		}
	}
}

func TestOffsets(t *testing.T) {
	s := "a，b"
	if runeOffset(s, 4) != 2 || byteOffset(s, 2) != 4 || byteOffset(s, 3) != 5 || byteOffset(s, 4) != -1 {
		t.Errorf("offsets of %q wrong", s)
	}
}

func TestEditDistanceCountsLetters(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"cat", "cat", 0}, {"", "cat", 3}, {"cat", "cats", 1}, {"recieve", "receive", 2},
		{"kitten", "sitting", 3}, {"café", "cafe", 1}, {"naïve", "naive", 1},
	} {
		if got := EditDistance(c.a, c.b); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := EditDistance(c.b, c.a); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.b, c.a, got, c.want)
		}
	}
}
