package gec

import (
	"math/rand/v2"
	"strings"
)

// agreementSwaps are the be/have/do forms a learner puts with the wrong
// subject.
var agreementSwaps = map[string][]string{
	"is": {"are"}, "are": {"is"}, "am": {"is", "are"}, "was": {"were"}, "were": {"was"},
	"has": {"have"}, "have": {"has"}, "does": {"do"}, "do": {"does"},
	"doesn't": {"don't"}, "don't": {"doesn't"}, "isn't": {"aren't"}, "aren't": {"isn't"},
	"wasn't": {"weren't"}, "weren't": {"wasn't"}, "hasn't": {"haven't"}, "haven't": {"hasn't"},
}

// agreementErrors: "she go", "they goes", "he are", "there is many".
func agreementErrors(s *sentence, rng *rand.Rand) []change {
	var out []change
	for i := range s.toks {
		w := s.at(i)
		if swaps, ok := agreementSwaps[w]; ok && agreementSubject(s, i) {
			out = append(out, s.replace(i, likeCase(pick(rng, swaps), s.toks[i].Text), Agreement))
			continue
		}
		subj := s.subjectBefore(i)
		if subj < 0 && nounSubjectBefore(s, i) {
			subj = i - 1
		}
		if subj < 0 || closedClass[w] {
			continue
		}
		if lemma, ok := s.hasForm(i, VBZ); ok && singularSubject(s, subj) {
			out = append(out, s.replace(i, likeCase(lemma, s.toks[i].Text), Agreement)) // "she go"
		} else if lemma, ok := s.hasForm(i, VB); ok && pluralSubject(s, subj) && !isPastToo(s, lemma) {
			out = append(out, s.replace(i, likeCase(s.lex.Inflect(lemma, VBZ), s.toks[i].Text), Agreement)) // "they goes"
		}
	}
	return out
}

// agreementSubject says whether the be/have/do form at i has a subject
// right before it whose number decides the form: a pronoun, "there", or a
// determiner and noun.
func agreementSubject(s *sentence, i int) bool {
	j := i - 1
	if subjectPronouns[s.at(j)] || thirdSingular[s.at(j)] {
		return s.clauseStart(j)
	}
	if s.at(j) == "there" {
		return true
	}
	return nounSubjectBefore(s, i)
}

// nounSubjectBefore says whether tokens i-2, i-1 are a determiner and a
// noun that start a clause ("The dog barks").
func nounSubjectBefore(s *sentence, i int) bool {
	d, n := s.at(i-2), s.at(i-1)
	if !(articles[d] || possessives[d] || d == "this" || d == "that" || d == "these" || d == "those") || !s.clauseStart(i-2) {
		return false
	}
	_, plural := s.lex.Singular(n)
	return plural || s.lex.isNoun(n)
}

// singularSubject says whether the subject at j is third person singular.
func singularSubject(s *sentence, j int) bool {
	w := s.at(j)
	if thirdSingular[w] {
		return true
	}
	if subjectPronouns[w] {
		return false
	}
	_, plural := s.lex.Singular(w)
	return !plural && s.at(j-1) != "these" && s.at(j-1) != "those"
}

// pluralSubject says whether the subject at j takes the plain verb.
func pluralSubject(s *sentence, j int) bool {
	w := s.at(j)
	if nonThirdSubject.has(w) {
		return true
	}
	_, plural := s.lex.Singular(w)
	return plural
}

// isPastToo says whether the lemma's base is also its past ("put", "cut"):
// such a verb after "they" may be past, where -s would be a tense error.
func isPastToo(s *sentence, lemma string) bool {
	return s.lex.Inflect(lemma, VBD) == lemma
}

// tenseErrors: present for past with a past time word ("yesterday I go")
// or after another past verb of the sentence ("when I was young, I like
// football", "he opened the door and walks in"), present for future
// ("tomorrow I go"), present for the present perfect with since/for ("I
// live here since 2010").
func tenseErrors(s *sentence, rng *rand.Rand) []change {
	var out []change
	past := s.contains(pastMarkers.members()) || s.hasPastYear()
	future := s.contains(futureMarkers.members())
	perfect := s.contains(set("since for"))
	firstPast := -1 // the subject of the sentence's first past verb
	for i := range s.toks {
		subj := s.subjectBefore(i)
		if subj < 0 && firstPast >= 0 && (s.at(i-1) == "and" || s.at(i-1) == "then") {
			subj = firstPast // "… and walks in": the verb shares the first one's subject
		}
		if subj < 0 {
			continue
		}
		if lemma, ok := s.hasForm(i, VBD); ok && !isPastToo(s, lemma) && lemma != "do" {
			if past || firstPast >= 0 {
				c := s.replace(i, likeCase(presentFor(s, subj, lemma), s.toks[i].Text), Tense)
				c.spreads = true
				out = append(out, c)
			}
			if firstPast < 0 {
				firstPast = subj
			}
		}
		if s.at(i) == "will" && future && s.isWord(i+1) {
			if lemma, ok := s.hasForm(i+1, VB); ok && !closedClass[s.at(i+1)] {
				out = append(out, s.replaceSpan(i, i+1, presentFor(s, subj, lemma), Tense)) // "tomorrow I go"
			}
		}
		if (s.at(i) == "have" || s.at(i) == "has") && perfect {
			if lemma, ok := s.hasForm(i+1, VBN); ok && lemma != "be" {
				out = append(out, s.replaceSpan(i, i+1, presentFor(s, subj, lemma), Tense)) // "I live here since"
			}
		}
	}
	return out
}

// presentFor is the present form of lemma that agrees with the subject at j.
func presentFor(s *sentence, j int, lemma string) string {
	if lemma == "be" {
		switch s.at(j) {
		case "i":
			return "am"
		case "you", "we", "they":
			return "are"
		}
		return "is"
	}
	if singularSubject(s, j) {
		return s.lex.Inflect(lemma, VBZ)
	}
	return lemma
}

// hasPastYear says whether the sentence names a year in the past.
func (s *sentence) hasPastYear() bool {
	for i, w := range s.low {
		if len(w) == 4 && (strings.HasPrefix(w, "19") || strings.HasPrefix(w, "200")) && (s.at(i-1) == "in" || s.at(i-1) == "since") {
			return true
		}
	}
	return false
}

// verbPatterns are verbs followed by -ing that learners follow with to +
// verb: "enjoy to swim".
var ingVerbs = &wordSet{words: "enjoy enjoys enjoyed enjoying finish finishes finished mind minds minded avoid avoids avoided keep keeps kept practise practice practised practiced practises practices suggest suggests suggested miss missed imagine consider considered"}

// verbFormErrors: "have went", "didn't went", "can swims", "is go",
// "goed", "enjoy to swim".
func verbFormErrors(s *sentence, rng *rand.Rand) []change {
	var out []change
	for i := range s.toks {
		w := s.at(i)
		v := i + 1
		if freqAdverbs[s.at(v)] || s.at(v) == "not" || s.at(v) == "just" {
			v++
		}
		switch {
		case haveForms[w] || w == "haven't" || w == "hasn't":
			if lemma, ok := s.hasForm(v, VBN); ok && s.lex.Inflect(lemma, VBD) != s.low[v] {
				out = append(out, s.replace(v, likeCase(s.lex.Inflect(lemma, VBD), s.toks[v].Text), VerbForm)) // "have went"
			}
		case w == "did" || w == "didn't" || w == "does" || w == "doesn't":
			if subjectPronouns[s.at(v)] && (w == "did" || w == "does") {
				v++ // "did you go"
			}
			if lemma, ok := s.hasForm(v, VB); ok && !closedClass[s.low[v]] {
				form := VBD
				if strings.HasPrefix(w, "does") {
					form = VBZ
				}
				out = append(out, s.replace(v, likeCase(s.lex.Inflect(lemma, form), s.toks[v].Text), VerbForm))
			}
		case modals[w]:
			if lemma, ok := s.hasForm(v, VB); ok && !closedClass[s.low[v]] && lemma != "be" {
				out = append(out, s.replace(v, likeCase(s.lex.Inflect(lemma, pick(rng, []string{VBZ, VBG, VBD})), s.toks[v].Text), VerbForm)) // "can swims"
			}
		case beForms[w] && (s.subjectBefore(i) >= 0 || w == "am"):
			if lemma, ok := s.hasForm(v, VBG); ok && lemma != "be" {
				out = append(out, s.replace(v, likeCase(lemma, s.toks[v].Text), VerbForm)) // "he is go"
			}
		case ingVerbs.has(w):
			if lemma, ok := s.hasForm(i+1, VBG); ok && lemma != "be" && !closedClass[s.at(i+1)] {
				out = append(out, s.replace(i+1, "to "+lemma, VerbForm)) // "enjoy to swim"
			}
		}
		if c, ok := overregularise(s, i); ok {
			out = append(out, c)
		}
	}
	return out
}

// overregularise gives an irregular past or participle the regular ending:
// "went" -> "goed", "taught" -> "teached".
func overregularise(s *sentence, i int) (change, bool) {
	if !usedAsVerb(s, i) || s.subjectBefore(i) < 0 && !haveForms[s.at(i-1)] && !beForms[s.at(i-1)] {
		return change{}, false
	}
	for _, r := range s.verbAt(i) {
		if (r.Form != VBD && r.Form != VBN) || r.Lemma == "be" || r.Lemma == "have" || r.Lemma == "do" {
			continue
		}
		if _, irregular := s.lex.past[r.Lemma]; !irregular {
			continue
		}
		regular := s.lex.regularPast(r.Lemma)
		if regular != s.low[i] && !s.lex.Known(regular) && len(r.Lemma) > 1 {
			return s.replace(i, likeCase(regular, s.toks[i].Text), VerbForm), true
		}
	}
	return change{}, false
}
