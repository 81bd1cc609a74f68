package gec

import (
	"math/rand/v2"
	"strings"
)

// prepAfter is a word that needs a fixed preposition, and what learners
// put instead ("interested about", "the same with", "different with").
type prepAfter struct {
	head  string   // a verb (any form), adjective or noun
	prep  string   // the right preposition
	wrong []string // the learners' choices
}

var collocatedPreps = []prepAfter{
	{"interested", "in", []string{"about", "on", "for"}},
	{"good", "at", []string{"in", "on"}},
	{"bad", "at", []string{"in"}},
	{"afraid", "of", []string{"from", "for"}},
	{"depend", "on", []string{"of", "from"}},
	{"arrive", "at", []string{"to"}},
	{"arrive", "in", []string{"to"}},
	{"different", "from", []string{"with", "than"}},
	{"married", "to", []string{"with"}},
	{"proud", "of", []string{"about", "for"}},
	{"similar", "to", []string{"with", "as"}},
	{"same", "as", []string{"with", "like"}},
	{"responsible", "for", []string{"of", "to"}},
	{"famous", "for", []string{"of", "with"}},
	{"full", "of", []string{"with"}},
	{"angry", "with", []string{"to", "on"}},
	{"kind", "to", []string{"for", "with"}},
	{"reason", "for", []string{"of"}},
	{"key", "to", []string{"of", "for"}},
	{"answer", "to", []string{"of", "for"}},
	{"solution", "to", []string{"of", "for"}},
	{"effect", "on", []string{"to", "for"}},
	{"attention", "to", []string{"on", "at"}},
	{"good", "for", []string{"to"}},
	{"worried", "about", []string{"for", "of"}},
	{"tired", "of", []string{"with", "from"}},
	{"famous", "as", []string{"for"}},
	{"agree", "with", []string{"to"}},
	{"spend", "on", []string{"for", "in"}},
	{"congratulate", "on", []string{"for"}},
	{"succeed", "in", []string{"to"}},
	{"insist", "on", []string{"to"}},
	{"consist", "of", []string{"in", "with"}},
	{"belong", "to", []string{"for", "with"}},
	{"listen", "to", []string{"at"}},
	{"look", "at", []string{"to"}},
	{"wait", "for", []string{"to"}},
	{"laugh", "at", []string{"to"}},
}

// prepNeededAfter are verbs whose preposition learners leave out: "listen
// music", "wait the bus", "go school".
var prepNeededAfter = map[string]string{
	"listen": "to", "wait": "for", "look": "at", "talk": "to", "reply": "to", "belong": "to",
	"apologise": "to", "apologize": "to", "depend": "on", "arrive": "at", "graduate": "from",
	"worry": "about", "complain": "about", "deal": "with", "dream": "of", "think": "about",
	"care": "about", "agree": "with", "ask": "for", "search": "for", "laugh": "at",
	"point": "at", "smile": "at", "shout": "at", "go": "to", "come": "to", "speak": "to", "happen": "to",
}

// noPrepAfter are verbs that take a direct object where learners add a
// preposition ("discuss about", "visit to", "marry with"), and words after
// which go/come take none ("go to home").
var (
	noPrepAfter = map[string]string{
		"visit": "to", "discuss": "about", "reach": "to", "marry": "with", "contact": "with", "lack": "of",
		"emphasize": "on", "emphasise": "on", "answer": "to", "mention": "about", "enter": "into",
		"approach": "to", "resemble": "to", "oppose": "to", "attend": "at",
	}
	noPrepPlaces = set("home there here abroad downtown upstairs downstairs overseas")
)

// Time and place words that decide between in, on and at.
var (
	atTimes       = &wordSet{words: "night noon midnight dawn dusk sunset sunrise present moment"}
	onThings      = &wordSet{words: "bus train plane subway ship boat tv television radio internet phone farm"}
	inThings      = &wordSet{words: "car taxi picture photo sky world"}
	timePrepWrong = map[string][]string{"in": {"on", "at"}, "on": {"in", "at"}, "at": {"in", "on"}}
)

// prepositionErrors: in/on/at for time and place, wrong prepositions after
// fixed words, missing and extra prepositions.
func prepositionErrors(s *sentence, rng *rand.Rand) []change {
	var out []change
	for i := range s.toks {
		w := s.at(i)
		if w == "in" || w == "on" || w == "at" {
			if timeOrPlace(s, i) {
				out = append(out, s.replace(i, likeCase(pick(rng, timePrepWrong[w]), s.toks[i].Text), Preposition))
			}
		}
		for _, c := range collocatedPreps {
			if c.wrong != nil && w == c.prep && s.headIs(i-1, c.head) {
				out = append(out, s.replace(i, likeCase(pick(rng, c.wrong), s.toks[i].Text), Preposition))
			}
		}
		if lemma := s.verbLemmaIn(i-1, prepNeededAfter); lemma != "" && w == prepNeededAfter[lemma] && s.isWord(i+1) && !noPrepPlaces[s.at(i+1)] {
			if c, ok := s.remove(i, Preposition); ok {
				out = append(out, c) // "listen music"
			}
		}
		if lemma := s.verbLemmaIn(i, noPrepAfter); lemma != "" && s.isWord(i+1) && !prepositions[s.at(i+1)] && s.at(i+1) != "to" && usedAsVerb(s, i) {
			out = append(out, s.insertAfter(i, noPrepAfter[lemma], Preposition)) // "discuss about it"
		}
		if noPrepPlaces[w] && s.verbLemmaIn(i-1, map[string]string{"go": "", "come": "", "get": "", "arrive": "", "return": "", "travel": ""}) != "" {
			out = append(out, s.insertBefore(i, "to", Preposition)) // "go to home"
		}
	}
	return out
}

// timeOrPlace says whether the in/on/at at i comes before a word that
// decides which of the three is right.
func timeOrPlace(s *sentence, i int) bool {
	w := s.at(i)
	j := i + 1
	if articles[s.at(j)] {
		j++
	}
	n := s.at(j)
	switch w {
	case "on":
		return weekdays.has(n) || onThings.has(n) || (s.at(j) == "my" && s.at(j+1) == "birthday")
	case "in":
		return months.has(n) || seasons.has(n) || (dayParts.has(n) && s.at(i+1) == "the") || inThings.has(n) || isYear(n)
	case "at":
		return atTimes.has(n) || strings.Contains(n, ":") || s.at(j+1) == "o'clock" || (n == "home" && j == i+1)
	}
	return false
}

func isYear(w string) bool {
	if len(w) != 4 {
		return false
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w[0] == '1' || w[0] == '2'
}

// headIs says whether token i is the word head, or a form of it when head
// is a verb.
func (s *sentence) headIs(i int, head string) bool {
	if s.at(i) == head {
		return true
	}
	for _, r := range s.verbAt(i) {
		if r.Lemma == head {
			return true
		}
	}
	return false
}

// verbLemmaIn returns the lemma of token i when it is a verb form whose
// lemma is a key of m ("" otherwise).
func (s *sentence) verbLemmaIn(i int, m map[string]string) string {
	if !s.isWord(i) {
		return ""
	}
	for _, r := range s.lex.VerbReadings(s.at(i)) {
		if _, ok := m[r.Lemma]; ok {
			return r.Lemma
		}
	}
	return ""
}

// usedAsVerb says whether the word at i, which may be a noun too ("an
// answer", "the visit"), is used as a verb: nothing noun-like before it.
func usedAsVerb(s *sentence, i int) bool {
	p := s.at(i - 1)
	return !(articles[p] || determiners[p] || possessives[p] || s.lex.isAdjective(p) || prepositions[p] && p != "to")
}
