package gec

import "strings"

// Spell returns the word a misspelling most likely stands for: the listed
// correction of a known misspelling, else the most frequent known word one
// edit away (a letter lost, added, changed, or two swapped) or one REP
// rule away. It keeps the case of the first letter, and says false when
// it finds nothing (or word is already a known word).
func (lx *Lexicon) Spell(word string) (string, bool) {
	w := strings.ToLower(word)
	if w == "" || lx.Known(w) {
		return "", false
	}
	if c, ok := lx.corrects[w]; ok {
		return likeCase(c, word), true
	}
	best, bestFreq := "", -1
	consider := func(c string) {
		f, known := lx.forms[c]
		if c == w || !known {
			return
		}
		if f > bestFreq || f == bestFreq && c < best {
			best, bestFreq = c, f
		}
	}
	editsOne(w, consider)
	for _, r := range lx.rep {
		wrongPart, rightPart := r[0], r[1]
		for at := strings.Index(w, wrongPart); at >= 0 && wrongPart != ""; {
			consider(w[:at] + rightPart + w[at+len(wrongPart):])
			next := strings.Index(w[at+1:], wrongPart)
			if next < 0 {
				break
			}
			at += 1 + next
		}
	}
	if best == "" {
		return "", false
	}
	return likeCase(best, word), true
}

// editsOne calls f with every string one edit from w (a letter lost,
// changed, added, or two swapped); some come more than once, which the
// caller's choice by frequency and then by spelling does not mind.
func editsOne(w string, f func(string)) {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	buf := make([]byte, 0, len(w)+1)
	for i := 0; i <= len(w); i++ {
		if i < len(w) {
			f(w[:i] + w[i+1:])
			for c := 0; c < len(letters); c++ {
				buf = append(append(append(buf[:0], w[:i]...), letters[c]), w[i+1:]...)
				f(string(buf))
			}
		}
		if i+1 < len(w) {
			f(w[:i] + w[i+1:i+2] + w[i:i+1] + w[i+2:])
		}
		for c := 0; c < len(letters); c++ {
			buf = append(append(append(buf[:0], w[:i]...), letters[c]), w[i:]...)
			f(string(buf))
		}
	}
}
