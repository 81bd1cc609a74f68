package gec

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
)

// uniqueNouns take "the" because there is only one of them.
var uniqueNouns = &wordSet{words: "sun moon earth world sky sea internet government police same first last best worst only next"}

// noArticleAfter lists nouns that go without an article after certain
// words, where learners add "the": "play the football", "have the
// breakfast", "go the home", "speak the English". It is built on first
// use, like a wordSet.
var noArticleAfter struct {
	once sync.Once
	m    map[string]map[string]bool
}

// takesNoArticleAfter reports whether noun goes without an article after
// the word before.
func takesNoArticleAfter(noun, before string) bool {
	noArticleAfter.once.Do(func() {
		m := map[string]map[string]bool{}
		add := func(nouns, before string) {
			for _, n := range strings.Fields(nouns) {
				m[n] = set(before)
			}
		}
		add("football basketball tennis soccer volleyball badminton baseball chess", "play plays played playing")
		add("breakfast lunch dinner supper", "have has had having eat eats ate eating for after before skip skipped")
		add("bus car train bike bicycle taxi plane subway boat ship", "by")
		add("home", "go goes went going come comes came coming get gets got arrive arrived stay stayed at walk walked drive drove")
		add("math maths history physics chemistry biology music art", "study studies studied studying learn learns learned learnt learning teach teaches taught teaching")
		add("english chinese french japanese", "study studies studied studying learn learns learned learnt learning speak speaks spoke speaking teach teaches taught teaching in")
		noArticleAfter.m = m
	})
	return noArticleAfter.m[noun][before]
}

// How often each kind of article error is drawn against a dropped "the"
// (weight 1). Running text has about three times as many "the" as "a/an",
// while Chinese-speaking learners most often leave out "a/an" before a
// singular noun ("my mother is doctor"), write "a" before a vowel ("a
// exam") and add "the" where English has none ("go to the Beijing"); they
// seldom write "an" before a consonant.
const (
	weightDropA      = 4   // "I am student"
	weightAForAn     = 4   // "a apple"
	weightAnForA     = 0.2 // "an book"
	weightUniqueNoun = 1   // "a sun"
	weightExtra      = 3   // "play the football", "an advice"

	// keepDropThe is the chance that a "the" is offered for dropping at
	// all: most sentences have a "the" and many have no "a", so weights
	// within a sentence alone would still leave "the" the article most
	// often dropped.
	keepDropThe = 0.35
)

// articleErrors: a missing, extra or wrong a/an/the.
func articleErrors(s *sentence, rng *rand.Rand) []change {
	var out []change
	for i := range s.toks {
		w := s.at(i)
		switch {
		case articles[w] && s.isWord(i+1):
			if c, ok := s.remove(i, Article); ok {
				switch {
				case w != "the":
					out = append(out, c.weighed(weightDropA)) // "I saw cat"
				case rng.Float64() < keepDropThe:
					out = append(out, c)
				}
			}
			out = append(out, wrongArticle(s, i)...)
		case s.isWord(i) && !determiners[w]:
			if c, ok := extraArticle(s, i); ok {
				out = append(out, c.weighed(weightExtra))
			}
		}
	}
	return out
}

// wrongArticle swaps a and an ("a apple", "an book"), or uses a/an with a
// unique noun ("a sun").
func wrongArticle(s *sentence, i int) []change {
	w, t := s.at(i), s.toks[i].Text
	next := s.toks[i+1].Text
	switch w {
	case "a":
		if !wantsAn(next) {
			return []change{s.replace(i, likeCase("an", t), Article).weighed(weightAnForA)}
		}
	case "an":
		if wantsAn(next) {
			return []change{s.replace(i, likeCase("a", t), Article).weighed(weightAForAn)}
		}
	case "the":
		if uniqueNouns.has(s.at(i+1)) && s.at(i+1) != "same" && s.at(i+1) != "only" {
			a := "a"
			if wantsAn(next) {
				a = "an"
			}
			return []change{s.replace(i, likeCase(a, t), Article).weighed(weightUniqueNoun)}
		}
	}
	return nil
}

// extraArticle puts "the" (or "a" before an uncountable noun) where English
// has none: "play the football", "go by the bus", "an advice".
func extraArticle(s *sentence, i int) (change, bool) {
	w := s.at(i)
	prev := s.at(i - 1)
	if i == 0 || articles[prev] || determiners[prev] || possessives[prev] || !s.isWord(i-1) || !isLetters(s.toks[i].Text) {
		return change{}, false
	}
	switch {
	case uncountableSure.has(w) && !s.properCase(i) && !pluralCues.has(prev) && prev != "much" && prev != "of" && !s.lex.isAdjective(prev):
		a := "a"
		if wantsAn(w) {
			a = "an"
		}
		return s.insertBefore(i, a, Article), true // "an advice"
	case takesNoArticleAfter(w, prev) && !(s.properCase(i) && !isLanguage(w)):
		return s.insertBefore(i, "the", Article), true
	case genericNouns.has(w) && !s.properCase(i) && !s.lex.isAdjective(prev) && endsNounPhrase(s.at(i+1)):
		return s.insertBefore(i, "the", Article), true // "I love the nature."
	case s.properCase(i) && !s.sentenceStart(i) && prepositions[prev] && s.isWord(i) && isLetters(s.toks[i].Text) && !isAllCaps(s.toks[i].Text):
		if weekdays.has(w) || months.has(w) || knownPlaces.has(w) {
			return s.insertBefore(i, "the", Article), true // "in the China", "on the Monday"
		}
	}
	return change{}, false
}

// genericNouns are abstract nouns that learners give a "the" when they
// mean the thing in general: "protect the nature", "the life is short".
var genericNouns = &wordSet{words: "nature society music science technology life happiness health money love " +
	"education pollution history art space friendship success"}

// endsNounPhrase says whether the word after a noun closes its phrase, so
// nothing after it ("the music of the film") makes it particular.
func endsNounPhrase(next string) bool {
	return next == "" || next == "." || next == "," || next == "!" || next == "?" || next == "and" || next == "is" || next == "are"
}

// knownPlaces are country and city names that take no article.
var knownPlaces = &wordSet{words: "china beijing shanghai guangzhou shenzhen japan america england britain canada australia " +
	"france germany london paris tokyo korea india russia italy spain asia europe africa " +
	"hangzhou nanjing suzhou chengdu chongqing wuhan tianjin xiamen qingdao dalian harbin kunming guilin lhasa " +
	"guangdong sichuan yunnan zhejiang jiangsu shandong hainan tibet taiwan singapore thailand vietnam " +
	"egypt brazil mexico ireland scotland wales sweden norway finland greece portugal switzerland austria " +
	"berlin rome madrid moscow sydney toronto vancouver boston chicago seattle macau"}

// nounNumberErrors: missing plural -s, plural uncountables, -s after
// singular cues, regularised irregular plurals.
func nounNumberErrors(s *sentence, rng *rand.Rand) []change {
	var out []change
	for i := range s.toks {
		if !s.isWord(i) || s.properCase(i) && !s.sentenceStart(i) {
			continue
		}
		w := s.at(i)
		if wrong, ok := overregularPlurals[w]; ok {
			out = append(out, s.replace(i, likeCase(pick(rng, wrong), s.toks[i].Text), NounNumber))
			continue
		}
		if uncountableSure.has(w) && !pluralCues.has(s.at(i-1)) && s.at(i-1) != "a" && s.at(i-1) != "an" {
			out = append(out, s.replace(i, likeCase(sibilantPlural(w), s.toks[i].Text), NounNumber))
			continue
		}
		if sing, ok := s.lex.Singular(w); ok && pluralNounContext(s, i) {
			out = append(out, s.replace(i, likeCase(sing, s.toks[i].Text), NounNumber))
			continue
		}
		if singularCues.has(s.at(i-1)) && s.lex.isNoun(w) && !uncountable[w] && s.at(i+1) != "of" && isLetters(w) {
			out = append(out, s.replace(i, likeCase(s.lex.Plural(w), s.toks[i].Text), NounNumber)) // "every days"
		}
	}
	return out
}

// pluralNounContext says whether the plural at i is surely a noun (not a
// verb with -s): after a number or plural determiner, or after a
// determiner, adjective or preposition.
func pluralNounContext(s *sentence, i int) bool {
	prev := s.at(i - 1)
	if _, err := strconv.Atoi(strings.ReplaceAll(prev, ",", "")); err == nil && prev != "1" {
		return true
	}
	if pluralCues.has(prev) || (pluralCues.has(s.at(i-2)) && s.lex.isAdjective(prev)) {
		return true
	}
	if s.at(i-3) == "one" && s.at(i-2) == "of" {
		return true // "one of the best students"
	}
	if determiners[prev] || possessives[prev] || prepositions[prev] {
		return prev != "a" && prev != "an" && prev != "this" && prev != "that" && prev != "every" && prev != "each"
	}
	return s.lex.isAdjective(prev) && !beForms[s.at(i-2)]
}

func isLanguage(w string) bool {
	return w == "english" || w == "chinese" || w == "french" || w == "japanese"
}
