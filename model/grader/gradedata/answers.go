package gradedata

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tutor-dev/tutor/model/gec"
	"github.com/tutor-dev/tutor/model/grader"
)

// Answer is one made-up learner answer to an item, with its grade and the
// way it was made (How, one of the strategy names below).
type Answer struct {
	Text  string
	Label string
	How   string
	// Edits turn an acceptable answer into its reference (gec.Apply).
	Edits []gec.Edit
}

// The ways answers are made, by grade (docs/GRADING.md).
const (
	HowReference   = "reference"    // a reference with a case or final-punctuation change
	HowSynonym     = "synonym"      // a content word replaced by a WordNet synonym
	HowReorder     = "reorder"      // a time phrase moved to the other end of the sentence
	HowReword      = "reword"       // a contraction made or written out, a "that" dropped
	HowParticle    = "particle"     // a vocabulary answer with "to" or an article before it
	HowOneError    = "one_error"    // one small learner error from model/gec
	HowUnrelated   = "unrelated"    // the reference of another item of the same kind
	HowThreeErrors = "three_errors" // three learner errors from model/gec
	HowSwap        = "swap"         // a content word replaced by an unrelated word
	HowPartial     = "partial"      // the start of the answer only, or the gap left open
	HowNonAnswer   = "non_answer"   // "I don't know", "?" and the like
)

// strategy makes one answer of its grade for an item, or says it cannot.
type strategy struct {
	how    string
	label  string
	weight float64
	make   func(m *maker, it Item, rng *rand.Rand) (Answer, bool)
}

// strategies are drawn by weight among those an item offers; a strategy
// that fails for an item is tried again a few times, then another drawn.
var strategies = []strategy{
	{HowReference, grader.Correct, 0.5, (*maker).reference},
	{HowSynonym, grader.Correct, 2, (*maker).synonym},
	{HowReorder, grader.Correct, 2, (*maker).reorder},
	{HowReword, grader.Correct, 2, (*maker).reword},
	{HowParticle, grader.Correct, 1, (*maker).particle},
	{HowOneError, grader.Acceptable, 1, (*maker).oneError},
	{HowUnrelated, grader.Wrong, 3, (*maker).unrelated},
	{HowThreeErrors, grader.Wrong, 2, (*maker).threeErrors},
	{HowSwap, grader.Wrong, 2, (*maker).swap},
	{HowPartial, grader.Wrong, 2, (*maker).partial},
	{HowNonAnswer, grader.Wrong, 0.5, (*maker).nonAnswer},
}

// acceptableMix is the one small error of an acceptable answer. Capitals
// are left out: the grader ignores case, so "i live in china" is correct.
var acceptableMix = gec.Mix{Errors: [3]float64{1, 0, 0}, Types: map[string]float64{
	gec.Spelling: 0.3, gec.Article: 0.15, gec.Agreement: 0.15, gec.NounNumber: 0.15, gec.VerbForm: 0.15, gec.Punctuation: 0.1}}

// wrongMix is the three errors of a wrong answer: any type but capitals.
func wrongMix() gec.Mix {
	m := gec.DefaultMix()
	m.Clean, m.Errors = 0, [3]float64{0, 0, 1}
	delete(m.Types, gec.Capitalization)
	return m
}

// maker makes answers for the items of one split.
type maker struct {
	gen   *gec.Generator
	words *gec.Lexicon // inflection
	lex   *Lexicon     // parts of speech and synonyms
	peers map[string][]Item
	three gec.Mix
	// exact allows answers equal to a reference after grader.Normalize.
	// The grader decides those without the model, so only training shows
	// the model a few (one an item), as the anchor the paraphrases vary;
	// validation and test hold only answers the model has to judge.
	exact bool
}

// stopVerbs are verbs too light or too bound to their phrase to swap:
// "have" -> "hold" is no paraphrase.
var stopVerbs = map[string]bool{"be": true, "have": true, "do": true, "get": true, "make": true, "take": true,
	"let": true, "give": true, "put": true, "set": true, "go": true, "come": true, "say": true, "see": true,
	"keep": true, "hold": true}

// reference is one of the references with a change the grader ignores.
func (m *maker) reference(it Item, rng *rand.Rand) (Answer, bool) {
	r := it.References[rng.IntN(len(it.References))]
	switch rng.IntN(4) {
	case 1:
		r = strings.ToLower(r)
	case 2:
		r = toggleFirst(r)
	case 3:
		if t := strings.TrimRight(r, ".!?"); t != r {
			r = t
		} else {
			r += "."
		}
	}
	return Answer{Text: r, Label: grader.Correct, How: HowReference}, true
}

// synonym replaces one content word of a reference by a synonym of its
// most frequent sense, inflected as the word was. The words of a
// translated phrase are left alone: they are set phrases ("keep an eye
// on" is not "hold an eye on").
func (m *maker) synonym(it Item, rng *rand.Rand) (Answer, bool) {
	ref := it.References[rng.IntN(len(it.References))]
	if it.Kind == KindTranslate && strings.Contains(ref, " ") {
		return Answer{}, false
	}
	text, ok := m.replaceWord(ref, rng, "", func(lemma, pos string) (string, bool) {
		syns := m.lex.Synonyms(lemma)
		if len(syns) == 0 || pos == "verb" && stopVerbs[lemma] {
			return "", false
		}
		return syns[rng.IntN(len(syns))], true
	})
	return Answer{Text: text, Label: grader.Correct, How: HowSynonym}, ok && !sameAsAny(text, it.References)
}

// reorder moves a time phrase of a sentence reference to its other end.
func (m *maker) reorder(it Item, rng *rand.Rand) (Answer, bool) {
	text, ok := moveTimePhrase(it.References[rng.IntN(len(it.References))], m.words)
	return Answer{Text: text, Label: grader.Correct, How: HowReorder}, ok && !sameAsAny(text, it.References)
}

// reword rewrites a reference without changing its meaning or grammar.
func (m *maker) reword(it Item, rng *rand.Rand) (Answer, bool) {
	ways := rewordings(it.References[rng.IntN(len(it.References))])
	if len(ways) == 0 {
		return Answer{}, false
	}
	text := ways[rng.IntN(len(ways))]
	return Answer{Text: text, Label: grader.Correct, How: HowReword}, !sameAsAny(text, it.References)
}

// particle writes a vocabulary answer the way the course accepts it too:
// "to know", "a house".
func (m *maker) particle(it Item, rng *rand.Rand) (Answer, bool) {
	w := it.References[0]
	if it.Kind != KindVocab || strings.Contains(w, " ") {
		return Answer{}, false
	}
	switch m.lex.POS(strings.ToLower(w)) {
	case "verb":
		return Answer{Text: "to " + w, Label: grader.Correct, How: HowParticle}, true
	case "noun":
		art := []string{"the", indefinite(w)}[rng.IntN(2)]
		return Answer{Text: art + " " + w, Label: grader.Correct, How: HowParticle}, true
	}
	return Answer{}, false
}

// oneError spoils a reference with one small error. A single word is
// spoilt inside its context sentence, where the generator sees how it is
// used, and the answer is the spoilt word ("know" in "I know that" ->
// "knows", "konw").
func (m *maker) oneError(it Item, rng *rand.Rand) (Answer, bool) {
	if it.Context != "" {
		return m.wordError(it, rng)
	}
	r := it.References[rng.IntN(len(it.References))]
	ex, ok := m.gen.Corrupt(r, rng, acceptableMix)
	if !ok || len(ex.Edits) != 1 || sameAsAny(ex.Corrupted, it.References) {
		return Answer{}, false
	}
	return Answer{Text: ex.Corrupted, Label: grader.Acceptable, How: HowOneError, Edits: ex.Edits}, true
}

// wordError spoils the gap word of the item's context sentence.
func (m *maker) wordError(it Item, rng *rand.Rand) (Answer, bool) {
	ex, ok := m.gen.Corrupt(it.Context, rng, acceptableMix)
	if !ok || len(ex.Edits) != 1 {
		return Answer{}, false
	}
	e := ex.Edits[0]
	repl := utf8.RuneCountInString(e.Replacement)
	if e.Start < it.GapStart || e.Start+repl > it.GapEnd {
		return Answer{}, false // the error is elsewhere in the sentence
	}
	grown := (e.End - e.Start) - repl
	corrupted := []rune(ex.Corrupted)
	word := string(corrupted[it.GapStart : it.GapEnd+grown])
	if word == "" || !isWord(word) || sameAsAny(word, it.References) {
		return Answer{}, false
	}
	e.Start -= it.GapStart
	e.End -= it.GapStart
	return Answer{Text: word, Label: grader.Acceptable, How: HowOneError, Edits: []gec.Edit{e}}, true
}

// unrelated is another item's reference: right for some other exercise.
func (m *maker) unrelated(it Item, rng *rand.Rand) (Answer, bool) {
	peers := m.peers[it.Kind]
	if len(peers) < 2 {
		return Answer{}, false
	}
	p := peers[rng.IntN(len(peers))]
	r := p.References[rng.IntN(len(p.References))]
	if p.Group == it.Group || sameAsAny(r, it.References) || m.relatedWord(r, it.References) {
		return Answer{}, false
	}
	return Answer{Text: r, Label: grader.Wrong, How: HowUnrelated}, true
}

// threeErrors spoils a reference of several words with three errors.
func (m *maker) threeErrors(it Item, rng *rand.Rand) (Answer, bool) {
	r := it.References[rng.IntN(len(it.References))]
	ex, ok := m.gen.Corrupt(r, rng, m.three)
	if !ok || len(ex.Edits) != 3 || sameAsAny(ex.Corrupted, it.References) {
		return Answer{}, false
	}
	return Answer{Text: ex.Corrupted, Label: grader.Wrong, How: HowThreeErrors, Edits: ex.Edits}, true
}

// swap replaces a content word of a reference by an unrelated common word
// of the same part of speech: the learner's sentence says something else.
// In a whole-sentence cloze the gap word is the one usually swapped.
func (m *maker) swap(it Item, rng *rand.Rand) (Answer, bool) {
	prefer := ""
	if it.Kind == KindClozeSentence && rng.IntN(4) > 0 {
		prefer = it.Group
	}
	text, ok := m.replaceWord(it.References[rng.IntN(len(it.References))], rng, prefer, func(lemma, pos string) (string, bool) {
		common := m.lex.Common(pos)
		if len(common) == 0 || pos == "verb" && stopVerbs[lemma] {
			return "", false
		}
		w := common[rng.IntN(len(common))]
		return w, !m.lex.related(w, lemma) && !(pos == "verb" && stopVerbs[w])
	})
	return Answer{Text: text, Label: grader.Wrong, How: HowSwap}, ok && !sameAsAny(text, it.References) && !m.relatedWord(text, it.References)
}

// partial is the start of an answer, or a sentence with its gap still
// open or its gap word left out.
func (m *maker) partial(it Item, rng *rand.Rand) (Answer, bool) {
	r := it.References[0]
	words := strings.Fields(r)
	var text string
	switch {
	case it.Kind == KindClozeSentence && rng.IntN(2) == 0:
		text = it.Exercise // the gap left as it was
		if rng.IntN(2) == 0 {
			text = strings.Join(strings.Fields(strings.Replace(it.Exercise, "___", "", 1)), " ")
		}
	case len(words) >= 2:
		text = strings.Join(words[:1+rng.IntN(max(1, len(words)/2))], " ")
	case utf8.RuneCountInString(r) >= 4:
		text = string([]rune(r)[:utf8.RuneCountInString(r)/2]) // "kn" for "know": too little to be a slip
	default:
		return Answer{}, false
	}
	return Answer{Text: text, Label: grader.Wrong, How: HowPartial}, !sameAsAny(text, it.References)
}

// nonAnswers are what learners type when they do not know.
var nonAnswers = []string{"?", "...", "I don't know", "I don't know.", "idk", "no idea", "不知道", "不会", "pass", "-", "x", "I forgot"}

func (m *maker) nonAnswer(it Item, rng *rand.Rand) (Answer, bool) {
	text := nonAnswers[rng.IntN(len(nonAnswers))]
	return Answer{Text: text, Label: grader.Wrong, How: HowNonAnswer}, !sameAsAny(text, it.References)
}

// replaceWord replaces one word of text for which choose gives another
// lemma (the word prefer if it can, else one drawn at random), inflecting
// the new lemma as the old word was: a plural noun stays plural, a past
// verb past.
func (m *maker) replaceWord(text string, rng *rand.Rand, prefer string, choose func(lemma, pos string) (string, bool)) (string, bool) {
	toks := gec.Tokenize(text)
	order := rng.Perm(len(toks))
	for i, t := range toks {
		if strings.EqualFold(t.Text, prefer) {
			order = append([]int{i}, order...)
			break
		}
	}
	for _, i := range order {
		t := toks[i]
		if !t.IsWord() {
			continue
		}
		if repl, ok := m.inflected(strings.ToLower(t.Text), choose); ok {
			return text[:t.Start] + matchCase(t.Text, repl) + text[t.End:], true
		}
	}
	return "", false
}

// inflected finds word's lemma and part of speech and returns choose's
// lemma in word's form.
func (m *maker) inflected(word string, choose func(lemma, pos string) (string, bool)) (string, bool) {
	if pos := m.lex.POS(word); pos != "" {
		return choose(word, pos)
	}
	if sg, ok := m.words.Singular(word); ok && m.lex.POS(sg) == "noun" {
		if w, ok := choose(sg, "noun"); ok {
			return m.words.Plural(w), true
		}
		return "", false
	}
	for _, r := range m.words.VerbReadings(word) {
		if r.Form != gec.VB && m.lex.POS(r.Lemma) == "verb" {
			if w, ok := choose(r.Lemma, "verb"); ok {
				return m.words.Inflect(w, r.Form), true
			}
			return "", false
		}
	}
	return "", false
}

// relatedWord says whether a one-word answer is a synonym of a one-word
// reference: such a pair is no wrong answer.
func (m *maker) relatedWord(answer string, refs []string) bool {
	a := grader.Normalize(answer)
	for _, r := range refs {
		if m.lex.related(a, grader.Normalize(r)) {
			return true
		}
	}
	return false
}

func sameAsAny(answer string, refs []string) bool {
	for _, r := range refs {
		if grader.SameAnswer(answer, r) {
			return true
		}
	}
	return false
}

// isWord is a word without spaces or marks (inner ' and - allowed).
func isWord(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && r != '\'' && r != '-' {
			return false
		}
	}
	return true
}

// matchCase gives repl the capitals of like: "Big" -> "Large".
func matchCase(like, repl string) string {
	first, _ := utf8.DecodeRuneInString(like)
	if !unicode.IsUpper(first) || repl == "" {
		return repl
	}
	if len(like) > 1 && strings.ToUpper(like) == like {
		return strings.ToUpper(repl)
	}
	r, n := utf8.DecodeRuneInString(repl)
	return string(unicode.ToUpper(r)) + repl[n:]
}

func toggleFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if unicode.IsUpper(r) {
		return string(unicode.ToLower(r)) + s[n:]
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// indefinite is "a" or "an" by the first letter (close enough for the
// course's words: few start with a silent h or a "you" sound).
func indefinite(w string) string {
	if w != "" && strings.ContainsRune("aeiouAEIOU", rune(w[0])) {
		return "an"
	}
	return "a"
}
