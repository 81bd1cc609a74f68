package gec

import (
	"math/rand/v2"
	"strings"
)

// choiceRule is a collocation that Chinese-speaking learners build from a
// word-for-word translation: "做作业" -> "make homework", "开灯" -> "open
// the light", "吃药" -> "eat medicine".
type choiceRule struct {
	right string   // the English words, lower-case; with verb, the first is a verb's lemma
	wrong []string // what learners write instead (each a phrase; a verb first when verb is set)
	verb  bool     // the first word may be any form of the verb; the wrong verb takes the same form
	next  string   // if set, one of these words comes within three words after
	prev  string   // if set, one of these words comes within three words before
	obj   bool     // an object pronoun follows at once
	told  bool     // and something follows it ("say to me the way"; "say to you." is English)
}

var choiceRules = []choiceRule{
	{right: "do", wrong: []string{"make"}, verb: true, next: "homework housework exercise exercises sports business dishes shopping cleaning laundry research"},
	{right: "make", wrong: []string{"do"}, verb: true, next: "mistake mistakes decision decisions noise friends progress money plan plans effort"},
	{right: "turn on", wrong: []string{"open"}, verb: true, next: "light lights tv television computer radio fan lamp"},
	{right: "turn off", wrong: []string{"close"}, verb: true, next: "light lights tv television computer radio fan lamp"},
	{right: "tell", wrong: []string{"say", "say to"}, verb: true, obj: true, told: true},
	{right: "lend", wrong: []string{"borrow"}, verb: true, obj: true},
	{right: "beat", wrong: []string{"win"}, verb: true, obj: true},
	{right: "watch", wrong: []string{"see", "look"}, verb: true, next: "tv television movie movies film films game match"},
	{right: "speak", wrong: []string{"say", "talk"}, verb: true, next: "english chinese french japanese german spanish"},
	{right: "take", wrong: []string{"eat"}, verb: true, next: "medicine pills pill"},
	{right: "spend", wrong: []string{"cost"}, verb: true, next: "money time yuan dollars hours days"},
	{right: "hear", wrong: []string{"listen"}, verb: true, next: "noise sound voice news"},
	{right: "heavy", wrong: []string{"big"}, next: "rain snow traffic"},
	{right: "strong", wrong: []string{"big"}, next: "wind winds"},
	{right: "high", wrong: []string{"expensive"}, prev: "price prices cost costs fee fees rent"},
	{right: "in my opinion", wrong: []string{"according to my opinion"}},
	{right: "either", wrong: []string{"too"}, prev: "not never don't doesn't didn't can't won't isn't aren't wasn't weren't haven't"},
	{right: "ago", wrong: []string{"before"}, prev: "years days weeks months hours minutes year day week month"},
	{right: "chinese", wrong: []string{"china"}, next: "food people culture language restaurant students student tea medicine history friends"},
}

// wordChoiceErrors: the collocation table, much/many with the wrong kind
// of noun, and "there has" for "there is" (有).
func wordChoiceErrors(s *sentence, rng *rand.Rand) []change {
	var out []change
	for _, r := range choiceRules {
		for i := range s.toks {
			if c, ok := r.apply(s, i, rng); ok {
				out = append(out, c)
			}
		}
	}
	for i := range s.toks {
		n := s.at(i + 1)
		switch s.at(i) {
		case "much":
			if uncountable[n] {
				out = append(out, s.replace(i, likeCase("many", s.toks[i].Text), WordChoice)) // "many money"
			}
		case "many":
			if _, plural := s.lex.Singular(n); plural {
				out = append(out, s.replace(i, likeCase("much", s.toks[i].Text), WordChoice)) // "much books"
			}
		case "there":
			if (s.at(i+1) == "is" || s.at(i+1) == "are") && s.clauseStart(i) {
				have := map[string]string{"is": "has", "are": "have"}[s.at(i+1)]
				out = append(out, s.replace(i+1, have, WordChoice)) // "there have many people"
			}
		}
	}
	return out
}

// apply matches the rule at token i and makes its wrong phrase.
func (r choiceRule) apply(s *sentence, i int, rng *rand.Rand) (change, bool) {
	words := strings.Fields(r.right)
	last := i + len(words) - 1
	if last >= len(s.toks) {
		return change{}, false
	}
	form := ""
	if r.verb {
		form = s.formOf(i, words[0])
		if form == "" {
			return change{}, false
		}
	} else if s.at(i) != words[0] {
		return change{}, false
	}
	for k := 1; k < len(words); k++ {
		if s.at(i+k) != words[k] {
			return change{}, false
		}
	}
	if r.obj && !objectPronouns[s.at(last+1)] || r.told && !s.isWord(last+2) || r.next != "" && !s.within(last+1, last+3, set(r.next)) ||
		r.prev != "" && !s.within(i-3, i-1, set(r.prev)) {
		return change{}, false
	}
	wrong := strings.Fields(pick(rng, r.wrong))
	if r.verb {
		wrong[0] = s.lex.Inflect(wrong[0], form)
	}
	return s.replaceSpan(i, last, likeCase(strings.Join(wrong, " "), s.toks[i].Text), WordChoice), true
}

// formOf is the form of verb lemma that token i is ("" when it is none),
// with a participle after have or be and a past otherwise.
func (s *sentence) formOf(i int, lemma string) string {
	var forms []string
	for _, r := range s.verbAt(i) {
		if r.Lemma == lemma {
			forms = append(forms, r.Form)
		}
	}
	if len(forms) == 0 {
		return ""
	}
	if contains(forms, VBN) && contains(forms, VBD) {
		if haveForms[s.at(i-1)] || beForms[s.at(i-1)] {
			return VBN
		}
		return VBD
	}
	return forms[0]
}

// within says whether a token from i to j (inclusive, clipped) is one of
// the words.
func (s *sentence) within(i, j int, words map[string]bool) bool {
	for k := max(i, 0); k <= j && k < len(s.toks); k++ {
		if words[s.low[k]] {
			return true
		}
	}
	return false
}
