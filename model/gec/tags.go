package gec

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Start is the word put before every tagged sentence, so that a word
// missing at the start can be appended to something (GECToR's $START).
const Start = "$START"

// The edit operations a tag can carry. A tag is the operation, then, for
// anything but Keep, "|" and the error type: "APPEND_the|article",
// "VERB_VBD|tense", "DELETE|extra_word".
const (
	Keep      = "KEEP"       // leave the word
	Delete    = "DELETE"     // remove the word
	Replace   = "REPLACE_"   // REPLACE_w: write w instead (w from the tag vocabulary)
	Append    = "APPEND_"    // APPEND_w: add w after the word (w from the tag vocabulary)
	CaseUpper = "CASE_UPPER" // capitalise the first letter
	CaseLower = "CASE_LOWER" // lower-case the first letter
	VerbTo    = "VERB_"      // VERB_VB, VERB_VBZ, VERB_VBD, VERB_VBN, VERB_VBG: the same verb in that form
	NounSg    = "NOUN_SG"    // the singular of the noun
	NounPl    = "NOUN_PL"    // the plural of the noun
	Spell     = "SPELL"      // the spelling correction of the word (Lexicon.Spell)
)

// TagVocabulary is the words REPLACE_ and APPEND_ may carry (lower-case):
// function words, contractions, punctuation, and the words the generator's
// rules move or put in, in all their forms. Everything else must be
// reached by a case, verb, noun or spelling transformation, which keeps
// the tag set closed and small.
func TagVocabulary(lx *Lexicon) map[string]bool {
	v := map[string]bool{}
	for _, w := range strings.Fields(contractions) {
		v[w] = true
		v[strings.ReplaceAll(w, "'", "’")] = true
	}
	for w := range closedClass {
		v[w] = true
	}
	for _, w := range strings.Fields(". , ! ? ; : ' \" ( ) -") {
		v[w] = true
	}
	for w := range someoneWords {
		v[w] = true
	}
	for _, p := range timePhrases {
		for _, w := range strings.Fields(p) {
			v[w] = true
		}
	}
	for _, r := range choiceRules {
		for _, phrase := range append([]string{r.right}, r.wrong...) {
			for i, w := range strings.Fields(phrase) {
				v[w] = true
				if r.verb && i == 0 {
					for _, form := range VerbForms {
						v[lx.Inflect(w, form)] = true
					}
				}
			}
		}
	}
	for _, words := range []map[string]string{prepNeededAfter, noPrepAfter} {
		for _, p := range words {
			v[p] = true
		}
	}
	for w := range noPrepPlaces {
		v[w] = true
	}
	for _, w := range strings.Fields("not it's enough very much many something often") {
		v[w] = true
	}
	return v
}

// Tagged is one tagging example as the trainer reads it (model/train's
// labelled JSONL): Text is words separated by single spaces, starting
// with Start, and Tags has one tag per word.
type Tagged struct {
	Text string   `json:"text"`
	Tags []string `json:"tags"`
}

// Words is t's text split into its words.
func (t Tagged) Words() []string { return strings.Fields(t.Text) }

// Tagger turns examples into word tags and applies tags to words.
type Tagger struct {
	lex   *Lexicon
	vocab map[string]bool
}

// NewTagger returns a tagger that uses lex for its transformations and
// TagVocabulary for REPLACE_ and APPEND_.
func NewTagger(lex *Lexicon) *Tagger { return &Tagger{lex: lex, vocab: TagVocabulary(lex)} }

// contractions a learner writes without the apostrophe or leaves out.
const contractions = "i'm i've i'll i'd you're you've you'll you'd he's he'll he'd she's she'll she'd " +
	"it's it'll we're we've we'll we'd they're they've they'll they'd that's there's here's what's " +
	"who's where's how's let's can't don't doesn't didn't won't isn't aren't wasn't weren't " +
	"haven't hasn't hadn't couldn't shouldn't wouldn't mustn't"

// pending is a word of the learner's sentence with the operations still
// to do on it: its own change, and the words to add after it.
type pending struct {
	text    string
	own     string   // "" when the word itself is right
	ownType string   // the error type of own
	appends []string // words to add after it, in order
	types   []string // the error type of each append
}

// ToTagging converts an example into tagging examples, one per pass: a
// word takes one tag per pass, so a word that needs two operations (its
// own change and a word added after it, or two added words) gets the
// second in the next pass, whose words are the first pass's result.
// Applying every pass's tags in turn to Corrupted's words gives Correct's
// words. A clean example gives one pass of KEEP. It fails when a
// correction needs a word outside the tag vocabulary that no
// transformation reaches.
func (tg *Tagger) ToTagging(ex Example) ([]Tagged, error) {
	words, err := tg.align(ex)
	if err != nil {
		return nil, err
	}
	var passes []Tagged
	for {
		tags := make([]string, len(words))
		var next []pending
		changed := false
		for i, w := range words {
			tags[i] = Keep
			switch {
			case w.own != "":
				tags[i] = w.own + "|" + w.ownType
				changed = true
				if w.own != Delete {
					text, err := tg.applyOp(w.text, w.own)
					if err != nil {
						return nil, err
					}
					next = append(next, pending{text: text, appends: w.appends, types: w.types})
				}
			case len(w.appends) > 0:
				tags[i] = Append + w.appends[0] + "|" + w.types[0]
				changed = true
				next = append(next, pending{text: w.text}, pending{text: w.appends[0], appends: w.appends[1:], types: w.types[1:]})
			default:
				next = append(next, pending{text: w.text})
			}
		}
		if !changed && len(passes) > 0 {
			return passes, nil
		}
		passes = append(passes, Tagged{Text: joinWords(words), Tags: tags})
		if !changed {
			return passes, nil
		}
		words = next
	}
}

func joinWords(ws []pending) string {
	texts := make([]string, len(ws))
	for i, w := range ws {
		texts[i] = w.text
	}
	return strings.Join(texts, " ")
}

// align lines up the words of Corrupted with those of Correct (a weighted
// edit distance) and records, on each learner's word, its own change and
// the words to add after it, with the type of the edit they come from.
func (tg *Tagger) align(ex Example) ([]pending, error) {
	ctoks, ktoks := Tokenize(ex.Corrupted), Tokenize(ex.Correct)
	c, k := texts(ctoks), texts(ktoks)
	spans := runeSpans(ex.Corrupted, ctoks)
	out := make([]pending, len(c)+1)
	out[0].text = Start
	for i, t := range c {
		out[i+1].text = t
	}
	for _, op := range tg.diff(c, k) {
		switch op.kind {
		case opSub:
			typ := typeAt(ex.Edits, spans[op.i][0], spans[op.i][1])
			participle := op.j > 0 && (haveForms[strings.ToLower(k[op.j-1])] || beForms[strings.ToLower(k[op.j-1])])
			tag, err := tg.replaceTag(c[op.i], k[op.j], typ, participle)
			if err != nil {
				return nil, fmt.Errorf("%w (in %q)", err, ex.Corrupted)
			}
			out[op.i+1].own, out[op.i+1].ownType = tag, typ
		case opDel:
			out[op.i+1].own, out[op.i+1].ownType = Delete, typeAt(ex.Edits, spans[op.i][0], spans[op.i][1])
		case opIns:
			if !tg.vocab[strings.ToLower(k[op.j])] {
				return nil, fmt.Errorf("gec: %q must be added but is not in the tag vocabulary (in %q)", k[op.j], ex.Corrupted)
			}
			lo, hi := gapAfter(op.i, spans, ex.Corrupted)
			w := &out[op.i+1] // op.i is the learner's word before the gap, -1 for the start
			w.appends = append(w.appends, k[op.j])
			w.types = append(w.types, typeAt(ex.Edits, lo, hi))
		}
	}
	moveAppendsOffDeleted(out)
	return out, nil
}

// moveAppendsOffDeleted hands the words to add after a deleted word to the
// nearest word before it that stays, where they land in the same place.
func moveAppendsOffDeleted(ws []pending) {
	for i := len(ws) - 1; i > 0; i-- {
		if ws[i].own != Delete || len(ws[i].appends) == 0 {
			continue
		}
		j := i - 1
		for j > 0 && ws[j].own == Delete {
			j--
		}
		ws[j].appends = append(ws[j].appends, ws[i].appends...)
		ws[j].types = append(ws[j].types, ws[i].types...)
		ws[i].appends, ws[i].types = nil, nil
	}
}

func texts(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

// runeSpans is each token's [start, end) in characters.
func runeSpans(text string, toks []Token) [][2]int {
	out := make([][2]int, len(toks))
	for i, t := range toks {
		out[i] = [2]int{runeOffset(text, t.Start), runeOffset(text, t.End)}
	}
	return out
}

// gapAfter is the characters between word i and word i+1 (i = -1: before
// the first word), ends included.
func gapAfter(i int, spans [][2]int, text string) (int, int) {
	lo, hi := 0, utf8.RuneCountInString(text)
	if i >= 0 {
		lo = spans[i][1]
	}
	if i+1 < len(spans) {
		hi = spans[i+1][0]
	}
	return lo, hi
}

// typeAt is the type of the edit that meets characters [lo, hi] of the
// learner's text, the closest one when none does (which the generator's
// examples never need).
func typeAt(edits []Edit, lo, hi int) string {
	best, bestDist := "", -1
	for _, e := range edits {
		d := 0
		switch {
		case e.End < lo:
			d = lo - e.End
		case e.Start > hi:
			d = e.Start - hi
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = e.Type, d
		}
	}
	if best == "" {
		return Spelling // a change with no edit at all cannot come from a valid example
	}
	return best
}

// replaceTag is the tag that turns learner's word c into k: a case change,
// a verb or noun form (the noun first for a noun-number error, where a word
// like "channel" is a verb too), a spelling correction, or a replacement by
// a vocabulary word, tried in that order. Where the past and the participle
// are one word ("lived"), it is the participle after have or be.
func (tg *Tagger) replaceTag(c, k, typ string, participle bool) (string, error) {
	switch {
	case capitalise(c) == k:
		return CaseUpper, nil
	case uncapitalise(c) == k:
		return CaseLower, nil
	}
	ops := []string{VerbTo + VB, VerbTo + VBZ, VerbTo + VBD, VerbTo + VBN, VerbTo + VBG, NounSg, NounPl, Spell}
	if participle {
		ops[2], ops[3] = ops[3], ops[2]
	}
	if typ == NounNumber {
		ops = append([]string{NounSg, NounPl}, ops...)
	}
	for _, op := range ops {
		if out, err := tg.applyOp(c, op); err == nil && out == k {
			return op, nil
		}
	}
	if tg.vocab[strings.ToLower(k)] {
		return Replace + k, nil
	}
	return "", fmt.Errorf("gec: no tag turns %q into %q (%q is not in the tag vocabulary)", c, k, k)
}

// verbLemmas lists the verbs w is a form of, the true readings ("hopes":
// hope) before the learners' forms ("goed": go) and the false ones
// ("hopes": hop).
func (tg *Tagger) verbLemmas(w string) []string {
	var out []string
	for _, r := range tg.lex.VerbReadings(w) {
		if !contains(out, r.Lemma) {
			out = append(out, r.Lemma)
		}
	}
	// The commoner verb first: "saw" is see's before it is saw's.
	sort.SliceStable(out, func(a, b int) bool { return tg.lex.pos[out[a]][verb] > tg.lex.pos[out[b]][verb] })
	loose := tg.lex.VerbLemmas(w)
	regular := func(l string) bool {
		return tg.lex.regularPast(l) == w || sibilantPlural(l) == w || tg.lex.presentParticiple(l) == w
	}
	for _, first := range []bool{true, false} {
		for _, l := range loose {
			if regular(l) == first && !contains(out, l) {
				out = append(out, l) // "rided": ride before rid
			}
		}
	}
	return out
}

// ParseTag splits a tag into its operation (with its word, as in
// "APPEND_the") and its error type ("" for KEEP).
func ParseTag(tag string) (op, typ string) {
	op, typ, _ = strings.Cut(tag, "|")
	return op, typ
}

// ApplyTags makes one pass of tags on words (which start with Start) and
// returns the new words.
func (tg *Tagger) ApplyTags(words, tags []string) ([]string, error) {
	if len(words) != len(tags) {
		return nil, fmt.Errorf("gec: %d words but %d tags", len(words), len(tags))
	}
	var out []string
	for i, w := range words {
		op, _ := ParseTag(tags[i])
		switch {
		case op == Keep:
			out = append(out, w)
		case op == Delete && i > 0:
			// dropped
		case strings.HasPrefix(op, Append):
			out = append(out, w, strings.TrimPrefix(op, Append))
		default:
			if i == 0 {
				return nil, fmt.Errorf("gec: tag %q on %s; only KEEP and APPEND_ apply to it", op, Start)
			}
			text, err := tg.applyOp(w, op)
			if err != nil {
				return nil, err
			}
			out = append(out, text)
		}
	}
	return out, nil
}

// applyOp applies a word's own operation to it.
func (tg *Tagger) applyOp(w, op string) (string, error) {
	fail := func() (string, error) { return "", fmt.Errorf("gec: tag %s does not apply to %q", op, w) }
	lower := strings.ToLower(w)
	switch {
	case strings.HasPrefix(op, Replace):
		return strings.TrimPrefix(op, Replace), nil
	case op == CaseUpper:
		return capitalise(w), nil
	case op == CaseLower:
		return uncapitalise(w), nil
	case strings.HasPrefix(op, VerbTo):
		form := strings.TrimPrefix(op, VerbTo)
		if !contains(VerbForms, form) {
			return fail()
		}
		for _, lemma := range tg.verbLemmas(lower) {
			if out := tg.lex.Inflect(lemma, form); out != lower {
				return likeCase(out, w), nil
			}
		}
		return fail()
	case op == NounSg || op == NounPl:
		for _, s := range tg.lex.nounLemmas(lower) {
			out := s
			if op == NounPl {
				out = tg.lex.Plural(s)
			}
			if out != lower {
				return likeCase(out, w), nil
			}
		}
		return fail()
	case op == Spell:
		if out, ok := tg.lex.Spell(w); ok {
			return out, nil
		}
		return fail()
	}
	return fail()
}

// nounLemmas lists the singulars word may be a form of, including
// learners' regularised plurals ("childs" -> child).
func (lx *Lexicon) nounLemmas(w string) []string {
	var out []string
	add := func(s string) {
		if s != "" && (lx.pos[s][noun] > 0 || uncountable[s]) && !contains(out, s) {
			out = append(out, s)
		}
	}
	if s, ok := lx.singular[w]; ok {
		add(s)
	}
	add(w)
	switch {
	case strings.HasSuffix(w, "ies"):
		add(w[:len(w)-3] + "y")
		add(w[:len(w)-1]) // movies
	case strings.HasSuffix(w, "es"):
		add(w[:len(w)-2])
		add(w[:len(w)-1])
	case strings.HasSuffix(w, "s"):
		add(w[:len(w)-1])
	}
	if s, ok := lx.singular[strings.TrimSuffix(w, "s")]; ok {
		add(s) // "childrens", "feets"
	}
	if len(out) == 0 && isLetters(w) && !closedClass[w] {
		// A noun the tables do not know ("dumpling"): by the regular rules.
		if s, ok := regularSingular(w); ok {
			out = append(out, s)
		} else {
			out = append(out, w)
		}
	}
	return out
}

// regularSingular undoes a regular plural ending.
func regularSingular(w string) (string, bool) {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y", true
	case strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "sses"):
		return w[:len(w)-2], true
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is") && len(w) > 3:
		return w[:len(w)-1], true
	}
	return "", false
}

// The kinds of step in an alignment.
const (
	opMatch = iota
	opSub
	opDel
	opIns
)

// alignOp is one step: learner's word i becomes (or stays) correct word j,
// is deleted, or correct word j is inserted after learner's word i.
type alignOp struct {
	kind int
	i, j int
}

// diff aligns the learner's words c with the correct words k at least
// cost, in tenths: a kept word costs 0, deleting a word or inserting a
// vocabulary word 10 (any other word 1000, so that of two ways to move a
// phrase the one that moves vocabulary words wins), changing a word into a
// related one (its case, form or spelling) 10 and into another word 16
// (not 15, which would tie a word moved by one place with two replaced
// words).
func (tg *Tagger) diff(c, k []string) []alignOp {
	n, m := len(c), len(k)
	cost := make([][]int, n+1)
	for i := range cost {
		cost[i] = make([]int, m+1)
	}
	for i := 1; i <= n; i++ {
		cost[i][0] = cost[i-1][0] + delCost
	}
	for j := 1; j <= m; j++ {
		cost[0][j] = cost[0][j-1] + tg.insCost(k[j-1])
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			cost[i][j] = min(
				cost[i-1][j-1]+tg.subCost(c[i-1], k[j-1]),
				cost[i-1][j]+delCost,
				cost[i][j-1]+tg.insCost(k[j-1]),
			)
		}
	}
	// Walking back, among steps of equal cost a kept word comes first, then
	// an insertion, so that a word that becomes two is replaced by the first
	// and followed by the second ("close" -> REPLACE_turn, APPEND_off).
	var ops []alignOp
	i, j := n, m
	for i > 0 || j > 0 {
		diag := i > 0 && j > 0 && cost[i][j] == cost[i-1][j-1]+tg.subCost(c[i-1], k[j-1])
		switch {
		case diag && c[i-1] == k[j-1]:
			ops = append(ops, alignOp{opMatch, i - 1, j - 1})
			i, j = i-1, j-1
		case j > 0 && cost[i][j] == cost[i][j-1]+tg.insCost(k[j-1]):
			ops = append(ops, alignOp{opIns, i - 1, j - 1})
			j--
		case diag:
			ops = append(ops, alignOp{opSub, i - 1, j - 1})
			i, j = i-1, j-1
		case i > 0 && cost[i][j] == cost[i-1][j]+delCost:
			ops = append(ops, alignOp{opDel, i - 1, j})
			i--
		default:
			ops = append(ops, alignOp{opIns, i - 1, j - 1})
			j--
		}
	}
	for a, b := 0, len(ops)-1; a < b; a, b = a+1, b-1 {
		ops[a], ops[b] = ops[b], ops[a]
	}
	return ops
}

// delCost is the cost of deleting a word.
const delCost = 10

// insCost is the cost of inserting w: no tag can add a word outside the
// vocabulary, so such an insertion costs more than any other alignment.
func (tg *Tagger) insCost(w string) int {
	if tg.vocab[strings.ToLower(w)] {
		return 10
	}
	return 1000
}

func (tg *Tagger) subCost(c, k string) int {
	switch {
	case c == k:
		return 0
	case tg.related(c, k):
		return 10
	}
	return 16
}

// related says whether k is c with another case, form or spelling.
func (tg *Tagger) related(c, k string) bool {
	lc, lk := strings.ToLower(c), strings.ToLower(k)
	if lc == lk {
		return true
	}
	for _, a := range tg.lex.VerbLemmas(lc) {
		if contains(tg.lex.VerbLemmas(lk), a) {
			return true
		}
	}
	for _, a := range tg.lex.nounLemmas(lc) {
		if contains(tg.lex.nounLemmas(lk), a) {
			return true
		}
	}
	return len(lc) >= 3 && len(lk) >= 3 && EditDistance(lc, lk) <= 2
}
