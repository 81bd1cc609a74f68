package gec

import (
	"math/rand/v2"
	"strings"
)

// fullWidth is the Chinese input method's version of each mark.
var fullWidth = map[string]string{",": "，", ".": "。", "?": "？", "!": "！", ":": "：", ";": "；"}

// introWords take a comma after them at the start of a sentence.
var introWords = &wordSet{words: "however therefore first firstly second secondly finally also besides yes no well moreover unfortunately luckily actually"}

// capitalizationErrors: "i", a lower-case sentence start, a lower-case
// name, day, month or language.
func capitalizationErrors(s *sentence, rng *rand.Rand) []change {
	var out []change
	for i, t := range s.toks {
		if !s.isWord(i) || !isCapitalised(t.Text) || isAllCaps(t.Text) {
			continue
		}
		w := s.at(i)
		switch {
		case w == "i" || strings.HasPrefix(w, "i'") || strings.HasPrefix(w, "i’"):
			out = append(out, s.replace(i, uncapitalise(t.Text), Capitalization)) // "i think"
		case s.sentenceStart(i):
			out = append(out, s.replace(i, uncapitalise(t.Text), Capitalization)) // "the weather is"
		case isLetters(t.Text):
			out = append(out, s.replace(i, uncapitalise(t.Text), Capitalization)) // "in china"
		}
	}
	return out
}

// punctuationErrors: no final mark, a full-width mark, a comma splice, no
// comma after an opening word, no apostrophe, a question ended by a
// period.
func punctuationErrors(s *sentence, rng *rand.Rand) []change {
	var out []change
	n := len(s.toks)
	for i, t := range s.toks {
		switch {
		case i == n-1 && (t.Text == "." || t.Text == "!") && s.isWord(i-1):
			out = append(out, change{start: s.toks[i-1].End, end: t.End, typ: Punctuation}) // no final period
		case i == n-1 && t.Text == "?" && s.isWord(i-1):
			out = append(out, s.replace(i, ".", Punctuation))
		}
		if fw, ok := fullWidth[t.Text]; ok && s.isWord(i-1) {
			c := s.replace(i, fw, Punctuation)
			if s.spaced(i) && rng.IntN(2) == 0 {
				c.end = s.toks[i+1].Start // the input method's mark needs no space after it
			}
			out = append(out, c)
		}
		if endsSentence(t.Text) && i+1 < n && s.isWord(i+1) && s.isWord(i-1) && s.spaced(i) {
			next := s.toks[i+1].Text
			if !s.properCase(i + 1) {
				next = uncapitalise(next)
			}
			out = append(out, s.replaceSpan(i, i+1, ","+s.text[t.End:s.toks[i+1].Start]+next, Punctuation)) // comma splice
		}
		if t.Text == "," && (s.at(i+1) == "so" || s.at(i+1) == "but") && subjectPronouns[s.at(i+2)] {
			out = append(out, s.replaceSpan(i, i+1, ",", Punctuation)) // "it was late, we went home"
		}
		if t.Text == "," && i == 1 && introWords.has(s.at(0)) {
			out = append(out, change{start: s.toks[0].End, end: t.End, typ: Punctuation}) // "However we"
		}
		if c, ok := lostApostrophe(s, i); ok {
			out = append(out, c)
		}
	}
	return out
}

// lostApostrophe writes "dont", "its", "Toms" for "don't", "it's", "Tom's".
func lostApostrophe(s *sentence, i int) (change, bool) {
	t := s.toks[i].Text
	k := strings.IndexAny(t, "'’")
	if k <= 0 || !s.isWord(i) {
		return change{}, false
	}
	wrong := t[:k] + t[k+len(string([]rune(t[k:])[0])):]
	if strings.ContainsAny(wrong, "'’") || s.lex.Known(wrong) && wrong != "its" && wrong != "im" {
		return change{}, false
	}
	return s.replace(i, wrong, Punctuation), true
}
