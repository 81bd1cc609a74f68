package gec

import "strings"

// Verb forms, named as in the Penn Treebank.
const (
	VB  = "VB"  // base: go
	VBZ = "VBZ" // third person singular present: goes
	VBD = "VBD" // past: went
	VBN = "VBN" // past participle: gone
	VBG = "VBG" // present participle: going
)

// VerbForms lists the verb forms in a fixed order.
var VerbForms = []string{VB, VBZ, VBD, VBN, VBG}

// Inflect gives the form of a verb; be, have and do are irregular in the
// present too. The verb need not be known: regular rules apply then.
func (lx *Lexicon) Inflect(lemma, form string) string {
	switch form {
	case VB:
		return lemma
	case VBZ:
		switch lemma {
		case "be":
			return "is"
		case "have":
			return "has"
		}
		return sibilantPlural(lemma)
	case VBD:
		if p, ok := lx.past[lemma]; ok {
			return p[0]
		}
		return lx.regularPast(lemma)
	case VBN:
		if p, ok := lx.participle[lemma]; ok {
			return p[0]
		}
		return lx.regularPast(lemma)
	case VBG:
		return lx.presentParticiple(lemma)
	}
	return lemma
}

// regularPast is lemma + -ed with English spelling rules: hope -> hoped,
// try -> tried, stop -> stopped, visit -> visited.
func (lx *Lexicon) regularPast(lemma string) string {
	switch {
	case strings.HasSuffix(lemma, "e"):
		return lemma + "d"
	case consonantY(lemma):
		return lemma[:len(lemma)-1] + "ied"
	case lx.doublesFinal(lemma):
		return lemma + lemma[len(lemma)-1:] + "ed"
	}
	return lemma + "ed"
}

// presentParticiple is lemma + -ing: lie -> lying, make -> making,
// see -> seeing, run -> running.
func (lx *Lexicon) presentParticiple(lemma string) string {
	switch {
	case lemma == "be":
		return "being"
	case strings.HasSuffix(lemma, "ie"):
		return lemma[:len(lemma)-2] + "ying"
	case strings.HasSuffix(lemma, "e") && !strings.HasSuffix(lemma, "ee") && !strings.HasSuffix(lemma, "ye") && !strings.HasSuffix(lemma, "oe") && len(lemma) > 2:
		return lemma[:len(lemma)-1] + "ing"
	case lx.doublesFinal(lemma):
		return lemma + lemma[len(lemma)-1:] + "ing"
	}
	return lemma + "ing"
}

// doublesFinal says whether a verb doubles its last consonant before a
// vowel suffix: the listed verbs (admit, prefer) and one-syllable words
// ending consonant-vowel-consonant (stop, plan), but not in w, x or y.
func (lx *Lexicon) doublesFinal(lemma string) bool {
	if lx.doubles[lemma] {
		return true
	}
	n := len(lemma)
	if n < 3 || vowelGroups(lemma) != 1 {
		return false
	}
	last, mid, first := lemma[n-1], lemma[n-2], lemma[n-3]
	return !isVowel(last) && !strings.ContainsRune("wxy", rune(last)) && isVowel(mid) && !isVowel(first)
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }

func vowelGroups(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		v := isVowel(s[i])
		if v && !in {
			n++
		}
		in = v
	}
	return n
}

// consonantY says whether s ends in a consonant and y (try, city).
func consonantY(s string) bool {
	n := len(s)
	return n >= 2 && s[n-1] == 'y' && !isVowel(s[n-2])
}

// sibilantPlural adds -s or -es as both plural nouns and third person
// verbs do: box -> boxes, watch -> watches, try -> tries, go -> goes.
func sibilantPlural(s string) string {
	switch {
	case strings.HasSuffix(s, "s") || strings.HasSuffix(s, "x") || strings.HasSuffix(s, "z") ||
		strings.HasSuffix(s, "ch") || strings.HasSuffix(s, "sh"):
		return s + "es"
	case consonantY(s):
		return s[:len(s)-1] + "ies"
	case s == "go" || s == "do" || s == "echo" || s == "veto":
		return s + "es"
	}
	return s + "s"
}

// VerbReading is one way to read a word as a verb form.
type VerbReading struct {
	Lemma, Form string
}

// VerbReadings lists the ways word can be a form of a known verb, checked
// by inflecting the lemma back (so "goed" has none: it is no form of go).
func (lx *Lexicon) VerbReadings(word string) []VerbReading {
	w := strings.ToLower(word)
	var out []VerbReading
	for _, lemma := range lx.lemmaCandidates(w) {
		if !lx.isVerb(lemma) {
			continue
		}
		for _, form := range VerbForms {
			if lx.Inflect(lemma, form) == w && !containsReading(out, lemma, form) {
				out = append(out, VerbReading{lemma, form})
			}
		}
		// Irregular verbs with a second past or participle ("dreamt").
		if contains(lx.past[lemma], w) && !containsReading(out, lemma, VBD) {
			out = append(out, VerbReading{lemma, VBD})
		}
		if contains(lx.participle[lemma], w) && !containsReading(out, lemma, VBN) {
			out = append(out, VerbReading{lemma, VBN})
		}
	}
	return out
}

func containsReading(rs []VerbReading, lemma, form string) bool {
	for _, r := range rs {
		if r.Lemma == lemma && r.Form == form {
			return true
		}
	}
	return false
}

// VerbLemmas lists the verbs word may be a form of, including forms that
// no verb has but a learner makes by rule ("goed", "teached" -> go,
// teach): it is what a form-changing tag needs to undo a learner's form.
func (lx *Lexicon) VerbLemmas(word string) []string {
	w := strings.ToLower(word)
	var out []string
	for _, lemma := range lx.lemmaCandidates(w) {
		if lx.isVerb(lemma) && !contains(out, lemma) {
			out = append(out, lemma)
		}
	}
	return out
}

// lemmaCandidates undoes the suffixes a verb form may have, without
// checking that the results are verbs.
func (lx *Lexicon) lemmaCandidates(w string) []string {
	cands := []string{w}
	cands = append(cands, lx.lemmaOf[w]...)
	switch w {
	case "is", "am", "are", "was", "were", "been", "being":
		cands = append(cands, "be")
	case "has", "had":
		cands = append(cands, "have")
	}
	strip := func(suffix string, repl ...string) {
		if !strings.HasSuffix(w, suffix) || len(w) <= len(suffix) {
			return
		}
		stem := w[:len(w)-len(suffix)]
		for _, r := range repl {
			cands = append(cands, stem+r)
		}
		if n := len(stem); n >= 2 && stem[n-1] == stem[n-2] && !isVowel(stem[n-1]) {
			cands = append(cands, stem[:n-1])
		}
	}
	strip("ies", "y")
	strip("es", "")
	strip("s", "")
	strip("ied", "y")
	strip("ed", "", "e")
	strip("d", "")
	strip("ying", "ie")
	strip("ing", "", "e")
	return cands
}

// Plural is the plural of a noun.
func (lx *Lexicon) Plural(singular string) string {
	if p, ok := lx.plural[singular]; ok {
		return p
	}
	return sibilantPlural(singular)
}

// Singular returns the singular of a plural noun, and false when word is
// not the plural of a known noun (or is a noun in its own right, like
// "news" or "series").
func (lx *Lexicon) Singular(word string) (string, bool) {
	w := strings.ToLower(word)
	if s, ok := lx.singular[w]; ok {
		return s, true
	}
	if lx.pos[w][noun] > 0 || closedClass[w] || len(w) < 4 || !strings.HasSuffix(w, "s") || strings.HasSuffix(w, "ss") ||
		strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is") || uncountable[w] {
		return "", false
	}
	var cands []string
	switch {
	case strings.HasSuffix(w, "ies"):
		cands = []string{w[:len(w)-3] + "y"}
	case strings.HasSuffix(w, "es"):
		cands = []string{w[:len(w)-2], w[:len(w)-1]}
	default:
		cands = []string{w[:len(w)-1]}
	}
	for _, s := range cands {
		if lx.pos[s][noun] > 0 && lx.Plural(s) == w {
			return s, true
		}
	}
	return "", false
}

// isSingularNoun says whether word is a known noun in the singular.
func (lx *Lexicon) isSingularNoun(word string) bool {
	return lx.pos[strings.ToLower(word)][noun] > 0
}

// Comparative returns the adjective of a comparative or superlative
// ("bigger", "best" -> big, good) and which of the two it is.
func (lx *Lexicon) Comparative(word string) (base string, superlative, ok bool) {
	w := strings.ToLower(word)
	superlative = strings.HasSuffix(w, "est") || w == "best" || w == "worst" || w == "most" || w == "least"
	if b, found := lx.adjBase[w]; found {
		return b, superlative, true
	}
	for _, suffix := range []string{"er", "est"} {
		if !strings.HasSuffix(w, suffix) {
			continue
		}
		stem := w[:len(w)-len(suffix)]
		for _, b := range []string{stem, stem + "e", strings.TrimSuffix(stem, "i") + "y"} {
			if b != "" && lx.pos[b][adjective] > 0 && lx.pos[w] == (posCounts{}) {
				return b, superlative, true
			}
		}
	}
	return "", false, false
}
