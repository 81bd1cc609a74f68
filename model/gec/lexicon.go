package gec

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// Parts of speech, indexing posCounts.
const (
	noun = iota
	verb
	adjective
	adverb
)

// posCounts is how often WordNet's tagged texts use a lemma as a noun,
// verb, adjective and adverb.
type posCounts [4]int

// Lexicon is the word knowledge the generator and the tags need: parts of
// speech, verb and noun inflection, and common misspellings. It is read
// from the tables in data/errors (see PROVENANCE.md there).
type Lexicon struct {
	pos        map[string]posCounts
	past       map[string][]string // irregular verb -> past forms, usual first
	participle map[string][]string // irregular verb -> past participles
	lemmaOf    map[string][]string // irregular past or participle -> its verbs
	doubles    map[string]bool     // verbs that double their last consonant
	singular   map[string]string   // irregular plural -> singular
	plural     map[string]string   // singular -> irregular plural
	adjBase    map[string]string   // comparative or superlative -> adjective
	misspell   map[string][]string // word -> common misspellings of it
	corrects   map[string]string   // misspelling -> the word (first listed wins)
	rep        [][2]string         // hunspell REP: {misspelt part, correct part}
	// forms is every word the lexicon knows (lemmas, function words and the
	// inflections of its verbs, nouns and adjectives), with how common it
	// is, computed once: spelling correction asks about hundreds of
	// candidates per word.
	forms map[string]int
}

// The files LoadLexicon reads.
// LexiconFiles are the tables LoadLexicon reads.
var LexiconFiles = []string{"words.tsv", "verbs.tsv", "doubling.txt", "nouns.tsv", "adjectives.tsv", "misspellings.tsv", "rep.tsv"}

// LoadLexicon reads the tables from fsys, a directory laid out like
// data/errors (os.DirFS("data/errors") in the repository).
func LoadLexicon(fsys fs.FS) (*Lexicon, error) {
	lx := &Lexicon{
		pos: map[string]posCounts{}, past: map[string][]string{}, participle: map[string][]string{},
		lemmaOf: map[string][]string{}, doubles: map[string]bool{}, singular: map[string]string{},
		plural: map[string]string{}, adjBase: map[string]string{}, misspell: map[string][]string{},
		corrects: map[string]string{},
	}
	readers := []func([]string) error{lx.addWord, lx.addVerb, lx.addDoubling, lx.addNoun, lx.addAdjective, lx.addMisspellings, lx.addRep}
	for i, name := range LexiconFiles {
		if err := readTable(fsys, name, readers[i]); err != nil {
			return nil, err
		}
	}
	lx.addCuratedNouns()
	if len(lx.pos) == 0 || len(lx.past) == 0 {
		return nil, fmt.Errorf("word tables: words.tsv or verbs.tsv is empty; rebuild data/errors as its PROVENANCE.md says")
	}
	lx.indexForms()
	return lx, nil
}

// indexForms fills forms: each known word with the tag count of its most
// common lemma, function words above all.
func (lx *Lexicon) indexForms() {
	lx.forms = map[string]int{}
	add := func(w string, f int) { lx.forms[w] = max(f, lx.forms[w]) }
	total := func(c posCounts) int { return c[0] + c[1] + c[2] + c[3] }
	for w, c := range lx.pos {
		f := total(c)
		add(w, f)
		if c[noun] > 0 {
			add(lx.Plural(w), f)
		}
		if c[verb] > 0 {
			for _, form := range VerbForms {
				add(lx.Inflect(w, form), f)
			}
		}
	}
	for base := range lx.past {
		f := total(lx.pos[base])
		for _, form := range VerbForms {
			add(lx.Inflect(base, form), f)
		}
		for _, w := range append(append([]string(nil), lx.past[base]...), lx.participle[base]...) {
			add(w, f)
		}
	}
	for _, m := range []map[string]string{lx.singular, lx.adjBase} {
		for w, base := range m {
			add(w, total(lx.pos[base]))
		}
	}
	for w := range closedClass {
		lx.forms[w] = 1 << 20
	}
}

// readTable calls add with the tab-separated fields of every line of a
// table that is not empty or a # comment.
func readTable(fsys fs.FS, name string, add func([]string) error) error {
	// The file is read whole and split here rather than through a
	// bufio.Scanner, which the browser's engine would link for this alone.
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("word tables: %w (the tables live in data/errors)", err)
	}
	rest := string(data)
	for line := 1; rest != ""; line++ {
		var text string
		text, rest, _ = strings.Cut(rest, "\n")
		text = strings.TrimSuffix(text, "\r")
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if err := add(strings.Split(text, "\t")); err != nil {
			return fmt.Errorf("word tables: %s:%d: %v", name, line, err)
		}
	}
	return nil
}

func wantFields(fs []string, n int, what string) error {
	if len(fs) != n {
		return fmt.Errorf("want %d tab-separated fields (%s), got %d", n, what, len(fs))
	}
	return nil
}

func (lx *Lexicon) addWord(fs []string) error {
	if err := wantFields(fs, 5, "word, noun, verb, adjective, adverb counts"); err != nil {
		return err
	}
	var c posCounts
	for i := range c {
		n, err := strconv.Atoi(fs[i+1])
		if err != nil || n < 0 {
			return fmt.Errorf("count %q is not a whole number", fs[i+1])
		}
		c[i] = n
	}
	lx.pos[fs[0]] = c
	return nil
}

func (lx *Lexicon) addVerb(fs []string) error {
	if err := wantFields(fs, 3, "base, past forms, participles"); err != nil {
		return err
	}
	base := fs[0]
	lx.past[base] = strings.Split(fs[1], ",")
	lx.participle[base] = strings.Split(fs[2], ",")
	for _, f := range append(append([]string(nil), lx.past[base]...), lx.participle[base]...) {
		if f != base && !contains(lx.lemmaOf[f], base) {
			lx.lemmaOf[f] = append(lx.lemmaOf[f], base)
		}
	}
	return nil
}

func (lx *Lexicon) addDoubling(fs []string) error {
	lx.doubles[fs[0]] = true
	return nil
}

func (lx *Lexicon) addNoun(fs []string) error {
	if err := wantFields(fs, 2, "plural, singular"); err != nil {
		return err
	}
	lx.singular[fs[0]] = fs[1]
	// WordNet lists old and rare plurals too ("brethren", "kine"); Plural
	// takes an exception only where English has no regular plural at all
	// (knife, analysis, criterion, datum), and the curated list adds the
	// common irregular ones.
	sing := fs[1]
	usual := false
	for _, end := range []string{"f", "fe", "is", "on", "um"} {
		usual = usual || strings.HasSuffix(sing, end)
	}
	if _, ok := lx.plural[sing]; !ok && usual {
		lx.plural[sing] = fs[0]
	}
	return nil
}

func (lx *Lexicon) addAdjective(fs []string) error {
	if err := wantFields(fs, 2, "comparative or superlative, adjective"); err != nil {
		return err
	}
	lx.adjBase[fs[0]] = fs[1]
	return nil
}

func (lx *Lexicon) addMisspellings(fs []string) error {
	if err := wantFields(fs, 2, "word, misspellings"); err != nil {
		return err
	}
	wrong := strings.Fields(fs[1])
	lx.misspell[fs[0]] = wrong
	for _, w := range wrong {
		if _, ok := lx.corrects[w]; !ok {
			lx.corrects[w] = fs[0]
		}
	}
	return nil
}

func (lx *Lexicon) addRep(fs []string) error {
	if err := wantFields(fs, 2, "misspelt part, correct part"); err != nil {
		return err
	}
	lx.rep = append(lx.rep, [2]string{fs[0], fs[1]})
	return nil
}

// addCuratedNouns adds the irregular plurals that WordNet's exception list
// leaves to its suffix rules or lacks, which learners meet first.
func (lx *Lexicon) addCuratedNouns() {
	for _, p := range [][2]string{
		{"people", "person"}, {"women", "woman"}, {"men", "man"}, {"children", "child"},
		{"feet", "foot"}, {"teeth", "tooth"}, {"mice", "mouse"}, {"geese", "goose"},
		{"knives", "knife"}, {"wives", "wife"}, {"lives", "life"}, {"leaves", "leaf"},
		{"shelves", "shelf"}, {"wolves", "wolf"}, {"halves", "half"}, {"thieves", "thief"},
		{"potatoes", "potato"}, {"tomatoes", "tomato"}, {"heroes", "hero"},
	} {
		lx.singular[p[0]] = p[1]
		lx.plural[p[1]] = p[0]
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// counts is a lemma's part-of-speech counts (zero for unknown words).
func (lx *Lexicon) counts(lemma string) posCounts { return lx.pos[lemma] }

// Known says whether word is a word the lexicon knows, as itself or as an
// inflection of a known noun, verb or adjective.
func (lx *Lexicon) Known(word string) bool {
	_, ok := lx.forms[strings.ToLower(word)]
	return ok
}

// isVerb says whether lemma is a verb (any use in the tagged texts, or an
// irregular verb).
func (lx *Lexicon) isVerb(lemma string) bool {
	_, irregular := lx.past[lemma]
	return irregular || lx.pos[lemma][verb] > 0
}

// isNoun says whether lemma is mostly a noun.
func (lx *Lexicon) isNoun(lemma string) bool {
	c := lx.pos[lemma]
	return c[noun] > 0 && c[noun] >= c[verb] && c[noun] >= c[adjective]
}

// isAdjective says whether word is mostly an adjective.
func (lx *Lexicon) isAdjective(word string) bool {
	c := lx.pos[word]
	return c[adjective] > 0 && c[adjective] >= c[noun] && c[adjective] >= c[verb]
}
