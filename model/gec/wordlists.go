package gec

import "strings"

// The small word lists below were written for this project: closed word
// classes of English and the contexts where Chinese-speaking learners
// typically go wrong. They are code, not data, because the corruption
// rules are written against them.

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

var (
	articles        = set("a an the")
	subjectPronouns = set("i you he she it we they")
	thirdSingular   = set("he she it everyone everybody someone somebody nobody anyone anybody nothing something everything this that")
	nonThirdSubject = set("i you we they")
	objectPronouns  = set("me you him her it us them")
	possessives     = set("my your his her its our their")
	determiners     = set("a an the this that these those my your his her its our their some any no every each many much few little several all both either neither another such what which whose")
	pluralCues      = set("two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand many several these those few both various numerous")
	singularCues    = set("a an one every each another")
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
	pastMarkers = set("yesterday ago last")
	// Words that make a sentence about the future.
	futureMarkers = set("tomorrow next")
	weekdays      = set("monday tuesday wednesday thursday friday saturday sunday")
	months        = set("january february march april may june july august september october november december")
	seasons       = set("spring summer autumn fall winter")
	dayParts      = set("morning afternoon evening")
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
var uncountableSure = set("information advice homework housework furniture luggage baggage equipment knowledge " +
	"news evidence traffic progress vocabulary feedback software machinery scenery garbage rubbish pollution " +
	"permission homesickness luck")

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

// keyboard is the QWERTY layout, for typing slips: each letter's
// neighbours on the keyboard.
var keyboard = func() map[byte]string {
	rows := []string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}
	m := map[byte]string{}
	for r, row := range rows {
		for i := 0; i < len(row); i++ {
			var n []byte
			if i > 0 {
				n = append(n, row[i-1])
			}
			if i+1 < len(row) {
				n = append(n, row[i+1])
			}
			for _, other := range []int{r - 1, r + 1} {
				if other < 0 || other >= len(rows) {
					continue
				}
				for _, j := range []int{i - 1, i, i + 1} {
					if j >= 0 && j < len(rows[other]) {
						n = append(n, rows[other][j])
					}
				}
			}
			m[row[i]] = string(n)
		}
	}
	return m
}()
