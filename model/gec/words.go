package gec

import (
	"math/rand/v2"
	"strings"
)

var (
	toVerbs     = &wordSet{words: "want wants wanted need needs needed hope hopes hoped plan plans planned decide decides decided try tries tried like likes liked love loves loved have has had going"}
	objectVerbs = &wordSet{words: "let lets make makes made help helps helped"}
	beLikeVerbs = &wordSet{words: "agree like want think live come go know worry need"}
	femaleNouns = &wordSet{words: "mother mum mom sister wife girl woman daughter aunt grandmother grandma girlfriend lady"}
	maleNouns   = &wordSet{words: "father dad brother husband boy man son uncle grandfather grandpa boyfriend"}
)

// missingWordErrors: no copula ("he very happy"), no subject or object
// "it", no infinitive "to" ("want go"), no "do" in a question ("you like
// tea?"), "because the rain".
func missingWordErrors(s *sentence, rng *rand.Rand) []change {
	var out []change
	add := func(i int) {
		if c, ok := s.remove(i, MissingWord); ok {
			out = append(out, c)
		}
	}
	for i := range s.toks {
		w := s.at(i)
		switch {
		case beForms[w] && (s.subjectBefore(i) >= 0 || nounSubjectBefore(s, i)) && complementFollows(s, i+1):
			add(i) // "he very happy"
		case w == "it" && s.clauseStart(i) && beForms[s.at(i+1)]:
			add(i) // "is raining"
		case w == "it" && len(s.verbAt(i-1)) > 0 && !closedClass[s.at(i-1)] && (!s.isWord(i+1) || s.at(i+1) == "very"):
			add(i) // "I like very much"
		case w == "to" && toVerbs.has(s.at(i-1)):
			if _, ok := s.hasForm(i+1, VB); ok {
				add(i) // "I want go home"
			}
		case doForms[w] && (w == "do" || w == "does" || w == "did") && subjectPronouns[s.at(i+1)] && s.endsWith("?") && (s.sentenceStart(i) || whWords[s.at(i-1)]):
			add(i) // "you like tea?", "what you want?"
		case w == "of" && (s.at(i-1) == "because" || s.at(i-1) == "lot" && s.at(i-2) == "a") && s.isWord(i+1):
			add(i) // "because the rain"
		}
		if c, ok := contractedCopula(s, i); ok {
			out = append(out, c)
		}
	}
	return out
}

// complementFollows says whether token i is what follows a copula that
// learners leave out: an adjective, an intensifier, an -ing form or a
// place ("he in the room").
func complementFollows(s *sentence, i int) bool {
	w := s.at(i)
	if intensifiers[w] || w == "in" || w == "at" || w == "from" {
		return true
	}
	if _, ok := s.hasForm(i, VBG); ok {
		return true
	}
	return s.isWord(i) && s.lex.isAdjective(w) && !closedClass[w]
}

// contractedCopula drops the 'm/'re/'s of "I'm happy".
func contractedCopula(s *sentence, i int) (change, bool) {
	t := s.toks[i].Text
	for _, suffix := range []string{"'m", "'re", "'s", "’m", "’re", "’s"} {
		base := strings.TrimSuffix(t, suffix)
		if base == t || !subjectPronouns[strings.ToLower(base)] || !complementFollows(s, i+1) {
			continue
		}
		return change{start: s.toks[i].Start + len(base), end: s.toks[i].End, typ: MissingWord}, true
	}
	return change{}, false
}

// extraWordErrors: "although …, but …", "can to swim", "let me to go",
// "I am agree", "more bigger", "my father he is", a doubled word.
func extraWordErrors(s *sentence, rng *rand.Rand) []change {
	var out []change
	if c, ok := extraConjunction(s); ok {
		out = append(out, c)
	}
	for i := range s.toks {
		w := s.at(i)
		switch {
		case modals[w] && !closedClass[s.at(i+1)]:
			if _, ok := s.hasForm(i+1, VB); ok {
				out = append(out, s.insertBefore(i+1, "to", ExtraWord)) // "can to swim"
			}
		case objectVerbs.has(w) && objectPronouns[s.at(i+1)] && !closedClass[s.at(i+2)]:
			if _, ok := s.hasForm(i+2, VB); ok {
				out = append(out, s.insertBefore(i+2, "to", ExtraWord)) // "let me to go"
			}
		case beLikeVerbs.has(w) && s.subjectBefore(i) == i-1 && s.clauseStart(i-1):
			out = append(out, s.insertBefore(i, beFor(s.at(i-1)), ExtraWord)) // "I am agree"
		case s.isWord(i) && !closedClass[w]:
			if _, sup, ok := s.lex.Comparative(w); ok && !sup && s.at(i-1) != "more" && s.at(i-1) != "much" {
				out = append(out, s.insertBefore(i, "more", ExtraWord)) // "more bigger"
			} else if ok && sup && s.at(i-1) == "the" {
				out = append(out, s.insertBefore(i, "most", ExtraWord)) // "the most biggest"
			}
		}
		if c, ok := doubleSubject(s, i); ok {
			out = append(out, c)
		}
	}
	// A word typed twice ("to to"): a slip rather than a learner's
	// error, so one sentence in three offers it.
	if i := rng.IntN(len(s.toks)); rng.IntN(3) == 0 && s.isWord(i) && closedClass[s.at(i)] && s.spaced(i) && s.isWord(i+1) {
		out = append(out, s.insertAfter(i, s.toks[i].Text, ExtraWord))
	}
	return out
}

// beFor is the present of be that goes with a subject pronoun.
func beFor(subject string) string {
	switch subject {
	case "i":
		return "am"
	case "you", "we", "they":
		return "are"
	}
	return "is"
}

// extraConjunction adds the second half of a Chinese paired conjunction
// (虽然…但是, 因为…所以): "Although it rained, but we went out."
func extraConjunction(s *sentence) (change, bool) {
	second := map[string]string{"although": "but", "though": "but", "because": "so"}[s.at(0)]
	if second == "" {
		return change{}, false
	}
	for k := 1; k+1 < len(s.toks); k++ {
		if s.toks[k].Text == "," {
			if !s.isWord(k+1) || s.at(k+1) == second {
				return change{}, false
			}
			return s.insertBefore(k+1, second, ExtraWord), true
		}
	}
	return change{}, false
}

// doubleSubject repeats a noun subject as a pronoun, the topic-comment
// order of Chinese: "My father he is a doctor."
func doubleSubject(s *sentence, i int) (change, bool) {
	d, n := s.at(i), s.at(i+1)
	if !(possessives[d] || d == "the") || !s.clauseStart(i) || !s.isWord(i+1) {
		return change{}, false
	}
	verbNext := beForms[s.at(i+2)]
	if _, ok := s.hasForm(i+2, VBZ); ok && !closedClass[s.at(i+2)] {
		verbNext = true
	}
	if !verbNext {
		return change{}, false
	}
	pronoun := "it"
	switch {
	case femaleNouns.has(n):
		pronoun = "she"
	case maleNouns.has(n):
		pronoun = "he"
	default:
		if _, plural := s.lex.Singular(n); plural {
			pronoun = "they"
		} else if !s.lex.isNoun(n) {
			return change{}, false
		}
	}
	return s.insertAfter(i+1, pronoun, ExtraWord), true
}
