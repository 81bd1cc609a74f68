package gec

import (
	"sort"
	"strings"
)

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
		if c == w || !lx.Known(c) {
			return
		}
		if f := lx.frequency(c); f > bestFreq || f == bestFreq && c < best {
			best, bestFreq = c, f
		}
	}
	for _, c := range editsOne(w) {
		consider(c)
	}
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

// frequency ranks known words for spelling correction: function words
// first, then by how often the lemma was tagged.
func (lx *Lexicon) frequency(w string) int {
	if closedClass[w] {
		return 1 << 20
	}
	total := func(c posCounts) int { return c[0] + c[1] + c[2] + c[3] }
	f := total(lx.pos[w])
	for _, r := range lx.VerbReadings(w) {
		f = max(f, total(lx.pos[r.Lemma]))
	}
	if s, ok := lx.Singular(w); ok {
		f = max(f, total(lx.pos[s]))
	}
	return f
}

// editsOne lists the strings one edit from w, sorted and without repeats.
func editsOne(w string) []string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	seen := map[string]bool{}
	for i := 0; i <= len(w); i++ {
		if i < len(w) {
			seen[w[:i]+w[i+1:]] = true
			for _, c := range letters {
				seen[w[:i]+string(c)+w[i+1:]] = true
			}
		}
		if i+1 < len(w) {
			seen[w[:i]+w[i+1:i+2]+w[i:i+1]+w[i+2:]] = true
		}
		for _, c := range letters {
			seen[w[:i]+string(c)+w[i:]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
