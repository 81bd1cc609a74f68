package gec

import (
	"strings"
	"sync"
)

// The small word lists below were written for this project: closed word
// classes of English and the contexts where Chinese-speaking learners
// typically go wrong. They are code, not data, because the corruption
// rules are written against them.

// set is the set of the space-separated words. It is not inlined: the
// package initialisation calls it for every list below, and every program
// that imports the package (the browser's engine too) runs and links that
// initialisation whole; one shared loop instead of a copy in each call
// keeps the engine's download smaller.
//
//go:noinline
func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// A wordSet is a set of words written as one space-separated string that
// becomes a map when it is first asked. The lists only the corruption
// rules read are wordSets, so that a program that never corrupts a sentence
// (the browser's engine, which checks and explains) neither builds them
// when the package initialises nor links them.
type wordSet struct {
	words string
	once  sync.Once
	m     map[string]bool
}

// has reports whether w is in the set.
func (s *wordSet) has(w string) bool { return s.members()[w] }

// members is the set as a map; the caller must not change it.
func (s *wordSet) members() map[string]bool {
	s.once.Do(func() { s.m = set(s.words) })
	return s.m
}

var (
	articles        = set("a an the")
	subjectPronouns = set("i you he she it we they")
	thirdSingular   = set("he she it everyone everybody someone somebody nobody anyone anybody nothing something everything this that")
	nonThirdSubject = &wordSet{words: "i you we they"}
	objectPronouns  = set("me you him her it us them")
	possessives     = set("my your his her its our their")
	determiners     = set("a an the this that these those my your his her its our their some any no every each many much few little several all both either neither another such what which whose")
	pluralCues      = &wordSet{words: "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand many several these those few both various numerous"}
	singularCues    = &wordSet{words: "a an one every each another"}
	modals          = set("can could will would shall should may might must")
	beForms         = set("am is are was were")
	doForms         = set("do does did don't doesn't didn't")
	haveForms       = set("have has had")
	conjunctions    = set("and but or so because if when while that as before after until though although since where whether unless")
	whWords         = set("what where when why who how which whose")
	freqAdverbs     = set("always usually often sometimes never seldom rarely also already generally frequently")
	prepositions    = set("in on at to for of with from by about into onto over under between among through during without within against toward towards across behind beside near around after before since until like than")
	intensifiers    = set("very so too really quite")
	// Words that make a sentence about the past ("yesterday I go").
	pastMarkers = &wordSet{words: "yesterday ago last"}
	// Words that make a sentence about the future.
	futureMarkers = &wordSet{words: "tomorrow next"}
	weekdays      = &wordSet{words: "monday tuesday wednesday thursday friday saturday sunday"}
	months        = &wordSet{words: "january february march april may june july august september october november december"}
	seasons       = &wordSet{words: "spring summer autumn fall winter"}
	dayParts      = &wordSet{words: "morning afternoon evening"}
)

// closedClass is every function word above: the words a tag may insert or
// replace without an open vocabulary, and words the spelling corruption
// leaves alone.
var closedClass = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range []map[string]bool{articles, subjectPronouns, thirdSingular, objectPronouns, possessives,
		determiners, modals, beForms, doForms, haveForms, conjunctions, whWords, freqAdverbs, prepositions, intensifiers} {
		for w := range s {
			m[w] = true
		}
	}
	for _, w := range strings.Fields("not no yes be been being done there here then than too either also just still even only more most less least much very to of it's i'm don't can't won't isn't aren't wasn't weren't haven't hasn't couldn't shouldn't wouldn't") {
		m[w] = true
	}
	return m
}()

// uncountable nouns that learners pluralise ("informations", "advices").
var uncountable = set("information advice homework housework furniture luggage baggage equipment knowledge " +
	"news research evidence traffic weather progress vocabulary feedback software machinery jewellery jewelry " +
	"scenery clothing money music bread rice water milk coffee tea meat fruit hair paper work fun health " +
	"happiness sadness anger patience courage garbage rubbish pollution transport transportation " +
	"accommodation permission behaviour behavior experience grammar homesickness luck mail")

// uncountableSure is the part of uncountable that is never a count noun,
// where "an advice" and "advices" are wrong in every sense.
var uncountableSure = &wordSet{words: "information advice homework housework furniture luggage baggage equipment knowledge " +
	"news evidence traffic progress vocabulary feedback software machinery scenery garbage rubbish pollution " +
	"permission homesickness luck"}

// Irregular plurals that learners regularise, with the regularised forms.
var overregularPlurals = map[string][]string{
	"children": {"childs", "childrens"}, "people": {"peoples"}, "men": {"mans"}, "women": {"womans", "womens"},
	"feet": {"foots", "feets"}, "teeth": {"tooths", "teeths"}, "mice": {"mouses"}, "sheep": {"sheeps"},
	"fish": {"fishes"}, "knives": {"knifes"}, "leaves": {"leafs"}, "wives": {"wifes"}, "lives": {"lifes"},
}

// aVowelSound and consonant-sound exceptions for a/an: "an hour",
// "a university", "a one-way street".
var (
	anBeforeConsonantLetter = []string{"hour", "honest", "honour", "honor", "heir"}
	aBeforeVowelLetter      = []string{"uni", "use", "usu", "eu", "one", "once", "ukr", "uti", "ura", "ure", "uro"}
)

// wantsAn says whether a word takes "an" (it starts with a vowel sound),
// by spelling with the common exceptions.
func wantsAn(word string) bool {
	w := strings.ToLower(word)
	if w == "" {
		return false
	}
	for _, p := range anBeforeConsonantLetter {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	for _, p := range aBeforeVowelLetter {
		if strings.HasPrefix(w, p) {
			return false
		}
	}
	if isAllCaps(word) && len(word) <= 4 {
		return strings.ContainsRune("AEFHILMNORSX", rune(word[0])) // an FBI... an MP, an SOS
	}
	return isVowel(w[0])
}

// keyboardRows are the QWERTY layout's letter rows, for typing slips.
var keyboardRows = [...]string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}

// keyboardNeighbours are the keys around letter c: left and right in its
// row, then the three nearest in the row above and in the row below; ""
// for anything but a lower-case letter.
func keyboardNeighbours(c byte) string {
	for r, row := range keyboardRows {
		i := strings.IndexByte(row, c)
		if i < 0 {
			continue
		}
		var n []byte
		if i > 0 {
			n = append(n, row[i-1])
		}
		if i+1 < len(row) {
			n = append(n, row[i+1])
		}
		for _, other := range []int{r - 1, r + 1} {
			if other < 0 || other >= len(keyboardRows) {
				continue
			}
			for _, j := range []int{i - 1, i, i + 1} {
				if j >= 0 && j < len(keyboardRows[other]) {
					n = append(n, keyboardRows[other][j])
				}
			}
		}
		return string(n)
	}
	return ""
}
