package gec

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// MaxSentence is the longest sentence, in characters, the generator takes:
// longer texts are paragraphs, and the tagger reads up to 256 tokens.
const MaxSentence = 400

// Generator corrupts correct sentences into learners' sentences.
type Generator struct {
	lex *Lexicon
	// finders makes the candidate corruptions of each type, in Types order.
	finders map[string]func(*sentence, *rand.Rand) []change
}

// NewGenerator returns a generator that uses lex for parts of speech,
// inflection and misspellings.
func NewGenerator(lex *Lexicon) *Generator {
	g := &Generator{lex: lex}
	g.finders = map[string]func(*sentence, *rand.Rand) []change{
		Article:        articleErrors,
		NounNumber:     nounNumberErrors,
		Agreement:      agreementErrors,
		Tense:          tenseErrors,
		VerbForm:       verbFormErrors,
		Preposition:    prepositionErrors,
		WordOrder:      wordOrderErrors,
		MissingWord:    missingWordErrors,
		ExtraWord:      extraWordErrors,
		Spelling:       spellingErrors,
		WordChoice:     wordChoiceErrors,
		Capitalization: capitalizationErrors,
		Punctuation:    punctuationErrors,
	}
	return g
}

// Lexicon is the generator's word knowledge.
func (g *Generator) Lexicon() *Lexicon { return g.lex }

// Corrupt draws how many errors sentence gets (none for a share
// mix.Clean of sentences) and which, from rng alone, so one seed always
// gives one result. Each error's type is drawn by mix.Types among the types
// this sentence offers. It returns false when the sentence cannot be used:
// empty, longer than MaxSentence, more than one line, or offering no error
// of the weighed types; the caller should take another sentence then,
// which keeps the share of clean examples what mix says.
func (g *Generator) Corrupt(sentence string, rng *rand.Rand, mix Mix) (Example, bool) {
	s, ok := g.prepare(sentence)
	if !ok {
		return Example{}, false
	}
	if rng.Float64() < mix.Clean {
		return Example{Corrupted: s.text, Correct: s.text}, true
	}
	n := 1 + pickWeighted(rng, mix.Errors[:])
	return g.corrupt(s, rng, mix, n, "")
}

// prepare trims a sentence and analyses it; false when it cannot be used.
func (g *Generator) prepare(sentence string) (*sentence, bool) {
	text := strings.TrimSpace(sentence)
	if text == "" || utf8.RuneCountInString(text) > MaxSentence || strings.ContainsAny(text, "\n\r") {
		return nil, false
	}
	s := g.analyse(text)
	return s, s.words() >= 2
}

// candidates makes every corruption of the weighed types the sentence
// offers, by type.
func (g *Generator) candidates(s *sentence, rng *rand.Rand, mix Mix) map[string][]change {
	out := map[string][]change{}
	for _, t := range Types {
		if mix.Types[t] <= 0 {
			continue
		}
		for _, c := range g.finders[t](s, rng) {
			if c.wrong != s.text[c.start:c.end] { // "will hurt" -> "will hurt" (VBD) is no error
				out[t] = append(out[t], c)
			}
		}
	}
	return out
}

// corrupt makes up to n errors in s, the first of type first when that is
// set (false if s offers none). An error that spreads may take more than
// one edit.
func (g *Generator) corrupt(s *sentence, rng *rand.Rand, mix Mix, n int, first string) (Example, bool) {
	candidates := g.candidates(s, rng, mix)
	var chosen []change
	for len(chosen) < n {
		only := ""
		if len(chosen) == 0 {
			only = first
		}
		c, ok := pickChange(rng, mix, candidates, chosen, only)
		if !ok {
			break
		}
		chosen = append(chosen, c)
		if c.spreads && rng.Float64() < spreadChance {
			chosen = spread(candidates[c.typ], chosen)
		}
	}
	if len(chosen) == 0 {
		return Example{}, false
	}
	ex, err := build(s.text, chosen)
	if err != nil || ex.Check() != nil {
		return Example{}, false
	}
	return ex, true
}

// spreadChance is how often an error that spreads (a present tense for a
// past one) is made on every verb of the sentence that allows it, as a
// learner telling a story in the present does, rather than on one.
const spreadChance = 0.5

// spread adds to chosen the other candidates that spread and touch
// nothing chosen (c, already chosen, touches itself); they count as one
// error of the mix.
func spread(candidates, chosen []change) []change {
	for _, d := range candidates {
		if d.spreads && !touchesAny(d, chosen) {
			chosen = append(chosen, d)
		}
	}
	return chosen
}

// pickChange draws a type in proportion to its weight among the types that
// still have a candidate apart from the chosen changes (only that type when
// only is set), then one of that type's candidates in proportion to its
// weight.
func pickChange(rng *rand.Rand, mix Mix, candidates map[string][]change, chosen []change, only string) (change, bool) {
	free := map[string][]change{}
	var types []string
	var weights []float64
	for _, t := range Types {
		if only != "" && t != only {
			continue
		}
		for _, c := range candidates[t] {
			if !touchesAny(c, chosen) {
				free[t] = append(free[t], c)
			}
		}
		if len(free[t]) > 0 {
			types = append(types, t)
			weights = append(weights, mix.Types[t])
		}
	}
	if len(types) == 0 {
		return change{}, false
	}
	t := types[pickWeighted(rng, weights)]
	options := free[t]
	drawn := make([]float64, len(options))
	for i, c := range options {
		drawn[i] = c.drawWeight()
	}
	return options[pickWeighted(rng, drawn)], true
}

func touchesAny(c change, chosen []change) bool {
	for _, d := range chosen {
		if c.touches(d) {
			return true
		}
	}
	return false
}

// pickWeighted draws an index in proportion to weights (not all zero).
func pickWeighted(rng *rand.Rand, weights []float64) int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	x := rng.Float64() * sum
	last := 0
	for i, w := range weights {
		if w <= 0 {
			continue
		}
		last = i
		if x < w {
			return i
		}
		x -= w
	}
	return last
}

// sentence is a clean sentence as the corruption rules see it.
type sentence struct {
	text string
	toks []Token
	low  []string // each token lower-cased
	lex  *Lexicon
}

func (g *Generator) analyse(text string) *sentence {
	s := &sentence{text: text, toks: Tokenize(text), lex: g.lex}
	s.low = make([]string, len(s.toks))
	for i, t := range s.toks {
		s.low[i] = strings.ToLower(t.Text)
	}
	return s
}

func (s *sentence) words() int {
	n := 0
	for _, t := range s.toks {
		if t.IsWord() {
			n++
		}
	}
	return n
}

// at is token i lower-cased, "" outside the sentence.
func (s *sentence) at(i int) string {
	if i < 0 || i >= len(s.toks) {
		return ""
	}
	return s.low[i]
}

func (s *sentence) isWord(i int) bool { return i >= 0 && i < len(s.toks) && s.toks[i].IsWord() }

// spaced says whether tokens i and i+1 are separated by white space only
// (and some of it).
func (s *sentence) spaced(i int) bool {
	if i < 0 || i+1 >= len(s.toks) {
		return false
	}
	gap := s.text[s.toks[i].End:s.toks[i+1].Start]
	return gap != "" && strings.TrimSpace(gap) == ""
}

// sentenceStart says whether token i begins a sentence.
func (s *sentence) sentenceStart(i int) bool {
	return i == 0 || (i > 0 && endsSentence(s.toks[i-1].Text))
}

// clauseStart says whether token i begins a clause: a sentence start, or
// after a comma, a conjunction or a question word.
func (s *sentence) clauseStart(i int) bool {
	if s.sentenceStart(i) {
		return true
	}
	p := s.at(i - 1)
	return p == "," || p == ";" || p == ":" || conjunctions[p] || whWords[p] || openingAdverbs.has(p) && s.sentenceStart(i-1)
}

// openingAdverbs may open a sentence before its subject ("Tomorrow I will").
var openingAdverbs = &wordSet{words: "yesterday today tomorrow tonight now then sometimes usually often later finally suddenly perhaps maybe"}

// subjectBefore finds the subject pronoun of the verb at i, allowing one
// frequency adverb between them; it returns the pronoun's index or -1.
func (s *sentence) subjectBefore(i int) int {
	j := i - 1
	if freqAdverbs[s.at(j)] || s.at(j) == "really" || s.at(j) == "just" || s.at(j) == "still" {
		j--
	}
	if (subjectPronouns[s.at(j)] || thirdSingular[s.at(j)]) && s.clauseStart(j) && s.isWord(i) {
		return j
	}
	return -1
}

// properCase says whether token i is capitalised because it is a name (or
// "I"), not only because it starts the sentence.
func (s *sentence) properCase(i int) bool {
	t := s.toks[i].Text
	if !isCapitalised(t) {
		return false
	}
	if s.low[i] == "i" || strings.HasPrefix(s.low[i], "i'") || isAllCaps(t) {
		return true
	}
	if !s.sentenceStart(i) {
		return true
	}
	return !s.lex.Known(s.low[i])
}

// replace makes token i wrong.
func (s *sentence) replace(i int, wrong, typ string) change {
	t := s.toks[i]
	return change{start: t.Start, end: t.End, wrong: wrong, typ: typ}
}

// replaceSpan makes tokens i..j (inclusive) read wrong.
func (s *sentence) replaceSpan(i, j int, wrong, typ string) change {
	return change{start: s.toks[i].Start, end: s.toks[j].End, wrong: wrong, typ: typ}
}

// between is the text from the start of token i to the end of token j.
func (s *sentence) between(i, j int) string { return s.text[s.toks[i].Start:s.toks[j].End] }

// remove deletes word i with the space after it (or before it, when a
// mark follows). A capitalised sentence start passes its capital on to the
// next word, as a learner who left the word out would write it.
func (s *sentence) remove(i int, typ string) (change, bool) {
	t := s.toks[i]
	switch {
	case s.spaced(i) && s.isWord(i+1):
		if s.sentenceStart(i) && isCapitalised(t.Text) && !s.properCase(i) {
			next := s.toks[i+1]
			if s.properCase(i + 1) {
				return change{start: t.Start, end: next.Start, typ: typ}, true
			}
			return change{start: t.Start, end: next.End, wrong: capitalise(next.Text), typ: typ}, true
		}
		return change{start: t.Start, end: s.toks[i+1].Start, typ: typ}, true
	case s.spaced(i - 1):
		return change{start: s.toks[i-1].End, end: t.End, typ: typ}, true
	}
	return change{}, false
}

// insertBefore puts word in front of token i; at a sentence start the
// capital moves to the new word.
func (s *sentence) insertBefore(i int, word, typ string) change {
	t := s.toks[i]
	if s.sentenceStart(i) && isCapitalised(t.Text) && !s.properCase(i) {
		return change{start: t.Start, end: t.End, wrong: capitalise(word) + " " + uncapitalise(t.Text), typ: typ}
	}
	return change{start: t.Start, end: t.Start, wrong: word + " ", typ: typ}
}

// insertAfter puts word after token i.
func (s *sentence) insertAfter(i int, word, typ string) change {
	t := s.toks[i]
	return change{start: t.End, end: t.End, wrong: " " + word, typ: typ}
}

// swap exchanges tokens i and j (i < j) keeping what lies between them,
// case moved with the position: "are you" -> "you are".
func (s *sentence) swap(i, j int, typ string) change {
	a, b := s.toks[i].Text, s.toks[j].Text
	if s.sentenceStart(i) && isCapitalised(a) && !s.properCase(i) {
		a, b = uncapitalise(a), capitalise(b)
	} else if !s.properCase(j) {
		b = uncapitalise(b)
	}
	mid := s.text[s.toks[i].End:s.toks[j].Start]
	return change{start: s.toks[i].Start, end: s.toks[j].End, wrong: b + mid + a, typ: typ}
}

// verbAt reads token i as a verb form: its readings that are not also
// more likely a noun or adjective.
func (s *sentence) verbAt(i int) []VerbReading {
	if !s.isWord(i) || closedClass[s.low[i]] && !haveForms[s.low[i]] && !doForms[s.low[i]] && !beForms[s.low[i]] {
		return nil
	}
	return s.lex.VerbReadings(s.low[i])
}

// hasForm says whether some reading of token i is the given form, and of
// which verb.
func (s *sentence) hasForm(i int, form string) (string, bool) {
	for _, r := range s.verbAt(i) {
		if r.Form == form {
			return r.Lemma, true
		}
	}
	return "", false
}

// contains says whether any token is one of the words.
func (s *sentence) contains(words map[string]bool) bool {
	for _, w := range s.low {
		if words[w] {
			return true
		}
	}
	return false
}

// pick returns a random element.
func pick(rng *rand.Rand, options []string) string { return options[rng.IntN(len(options))] }
