package checker

import (
	"context"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tutor-dev/tutor/model/gec"
	"github.com/tutor-dev/tutor/model/train"
)

// guess is the model's most likely tag other than KEEP for one word, and
// its probability: all a pass needs to decide at any threshold.
type guess struct {
	label int
	p     float64
}

// guessCache keeps the model's guesses by the words of a sentence, so that
// a sweep over thresholds tags each distinct sentence once.
type guessCache map[string][]guess

// check marks text at threshold until ctx is done; cache, if not nil,
// keeps the model's guesses across calls.
func (c *Checker) check(ctx context.Context, text string, threshold float64, cache guessCache) (Result, error) {
	if err := c.validate(text); err != nil {
		return Result{}, err
	}
	doc := newDocument(text)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.chunks(doc) {
		d := newDraft(doc, ch[0], ch[1])
		for range c.opt.Passes {
			// A caller that gave up (a closed request) stops waiting for
			// the rest of a long text.
			if err := ctx.Err(); err != nil {
				return Result{}, err
			}
			words := d.words()
			gs, err := c.guesses(words, cache)
			if err != nil {
				return Result{}, err
			}
			if !d.apply(c.tagger, d.pairMoves(c.decide(gs, threshold))) {
				break
			}
		}
		doc.take(d)
	}
	return c.result(doc)
}

// decide turns guesses into one pass's tags: a guess below the threshold
// is KEEP.
func (c *Checker) decide(gs []guess, threshold float64) []decision {
	out := make([]decision, len(gs))
	for i, g := range gs {
		out[i] = decision{tag: gec.Keep}
		if g.label >= 0 && g.p >= threshold {
			out[i] = decision{tag: c.model.Labels[g.label], p: g.p}
		}
	}
	return out
}

// guesses runs the model on words (gec.Start first), as the tagging data
// of `tutor data gec` presented them in training.
func (c *Checker) guesses(words []string, cache guessCache) ([]guess, error) {
	key := strings.Join(words, " ")
	if gs, ok := cache[key]; ok {
		return gs, nil
	}
	tokens, firsts := train.EncodeWords(c.model.Tokenizer, words)
	if len(tokens) > c.seqLen {
		tokens = tokens[:c.seqLen] // words past the end keep what they are
	}
	logits, err := c.model.Model.TagLogits(tokens)
	if err != nil {
		return nil, fmt.Errorf("checker: %w", err)
	}
	K := len(c.model.Labels)
	gs := make([]guess, len(words))
	for w, at := range firsts {
		gs[w] = guess{label: -1}
		if at >= 0 && at < len(tokens) {
			gs[w] = bestChange(logits[at*K:(at+1)*K], c.keep)
		}
	}
	if cache != nil {
		cache[key] = gs
	}
	return gs, nil
}

// bestChange is the most probable label other than keep under the softmax
// of logits.
func bestChange(logits []float32, keep int) guess {
	top := math.Inf(-1)
	for _, l := range logits {
		top = max(top, float64(l))
	}
	var sum float64
	best := -1
	for i, l := range logits {
		sum += math.Exp(float64(l) - top)
		if i != keep && (best < 0 || l > logits[best]) {
			best = i
		}
	}
	if best < 0 {
		return guess{label: -1}
	}
	return guess{label: best, p: math.Exp(float64(logits[best])-top) / sum}
}

// chunks splits the document's tokens into the pieces the model reads:
// sentences, as training showed it one sentence at a time, and pieces of a
// sentence too long for the model's sequence. Each is [first, end) in
// tokens.
func (c *Checker) chunks(doc *document) [][2]int {
	return c.chunksBy(doc, func(w string) int { return len(c.model.Tokenizer.Encode(" " + w)) })
}

// chunksBy is chunks with tokens(w), the tokens of word w.
func (c *Checker) chunksBy(doc *document, tokens func(string) int) [][2]int {
	// Room for the end-of-text token, gec.Start and words the passes add.
	budget := max(c.seqLen-1-c.start-8, 8)
	var out [][2]int
	first, used := 0, 0
	for i, t := range doc.toks {
		n := tokens(t.text)
		if i > first && used+n > budget {
			out = append(out, [2]int{first, i})
			first, used = i, 0
		}
		used += n
		if doc.endsSentence(i) {
			out = append(out, [2]int{first, i + 1})
			first, used = i+1, 0
		}
	}
	if first < len(doc.toks) {
		out = append(out, [2]int{first, len(doc.toks)})
	}
	return out
}

// document is the learner's text as tokens and the white space between
// them, with what the passes made of each.
type document struct {
	text  []rune
	toks  []token
	gaps  []gap // gaps[i] is before toks[i]; gaps[len(toks)] ends the text
	chunk []int // the chunk of each token
}

// token is a word or mark of the text and what became of it.
type token struct {
	text       string
	start, end int // characters
	now        string
	deleted    bool
	typ        string
	conf       float64
}

// gap is the white space between two tokens and the words added there:
// after (after the token before it) and before (at the start of a
// sentence, before the token after it).
type gap struct {
	start, end    int // characters
	after, before []string
	typ           string
	conf          float64
	cutStart      bool // a deleted neighbour took its first character
	cutEnd        bool // … its last
}

func newDocument(text string) *document {
	doc := &document{text: []rune(text)}
	at, runeAt := 0, 0
	for _, t := range gec.Tokenize(text) {
		runeAt += utf8.RuneCountInString(text[at:t.Start])
		n := utf8.RuneCountInString(t.Text)
		doc.toks = append(doc.toks, token{text: t.Text, start: runeAt, end: runeAt + n, now: t.Text})
		runeAt += n
		at = t.End
	}
	prev := 0
	for _, t := range doc.toks {
		doc.gaps = append(doc.gaps, gap{start: prev, end: t.start})
		prev = t.end
	}
	doc.gaps = append(doc.gaps, gap{start: prev, end: len(doc.text)})
	doc.chunk = make([]int, len(doc.toks))
	return doc
}

// sentenceEnders are the marks after which a new sentence may start.
const sentenceEnders = ".!?。！？"

// endsSentence says whether token i ends a sentence: a final mark
// followed by a capital (as gec.SplitSentences reads prose) or a
// full-width final mark followed by anything but another mark.
func (doc *document) endsSentence(i int) bool {
	if i+1 >= len(doc.toks) || !isEnder(doc.toks[i].text) || isEnder(doc.toks[i+1].text) {
		return false
	}
	next, _ := utf8.DecodeRuneInString(doc.toks[i+1].text)
	return unicode.IsUpper(next) || strings.ContainsAny(doc.toks[i].text, "。！？")
}

func isEnder(s string) bool {
	return utf8.RuneCountInString(s) == 1 && strings.ContainsAny(s, sentenceEnders)
}

// item is a word of a draft: a token of the text (tok ≥ 0) or a word a
// pass added (tok = -1). A deleted token stays, hidden from the model, so
// that words added later still know where they stand.
type item struct {
	text    string
	tok     int
	deleted bool
	typ     string  // the error type of the first tag that changed it
	conf    float64 // the least probability of the tags that changed it
}

func (it *item) mark(typ string, p float64) {
	if it.typ == "" {
		it.typ, it.conf = typ, p
		return
	}
	it.conf = min(it.conf, p)
}

// draft is one chunk of the document as the passes rewrite it.
type draft struct {
	first int // the chunk's first token
	items []item
	moved bool // a pass deleted a word to move it (a word-order deletion)
}

func newDraft(doc *document, first, end int) *draft {
	d := &draft{first: first}
	for i := first; i < end; i++ {
		d.items = append(d.items, item{text: doc.toks[i].text, tok: i})
	}
	return d
}

// words is what the model reads: gec.Start and the words not deleted.
func (d *draft) words() []string {
	out := []string{gec.Start}
	for _, it := range d.items {
		if !it.deleted {
			out = append(out, it.text)
		}
	}
	return out
}

// pairMoves keeps a pass's word-order tags only when they make a move: the
// tagger moves a word by deleting it and adding it elsewhere, in the same
// pass (a word added in a later pass follows one deleted before). A
// deletion without its addition would lose the learner's word, and an
// addition without a deletion would write it twice, so an unpaired half
// is KEEP.
func (d *draft) pairMoves(tags []decision) []decision {
	var deletes, appends []int
	for i, t := range tags {
		op, typ := gec.ParseTag(t.tag)
		switch {
		case typ != gec.WordOrder:
		case op == gec.Delete:
			deletes = append(deletes, i)
		case strings.HasPrefix(op, gec.Append):
			appends = append(appends, i)
		}
	}
	var unpaired []int
	switch {
	case len(deletes) > 0 && len(appends) > 0:
		return tags
	case len(deletes) > 0:
		unpaired = deletes
	case len(appends) > 0 && !d.moved:
		unpaired = appends
	default:
		return tags
	}
	out := append([]decision(nil), tags...)
	for _, i := range unpaired {
		out[i] = decision{tag: gec.Keep}
	}
	return out
}

// decision is one word's tag in a pass and its probability.
type decision struct {
	tag string
	p   float64
}

// apply makes one pass of tags, one per word of words(), and says whether
// anything changed. A tag that does not apply to its word (a verb form of
// a word that is no verb) leaves the word as it is.
func (d *draft) apply(tg *gec.Tagger, tags []decision) bool {
	changed := false
	var out []item
	if added, ok := appended(tg, gec.Start, tags[0].tag); ok {
		_, typ := gec.ParseTag(tags[0].tag)
		out = append(out, item{text: added, tok: -1, typ: typ, conf: tags[0].p})
		changed = true
	}
	k := 1
	for _, it := range d.items {
		if it.deleted {
			out = append(out, it)
			continue
		}
		t := tags[k]
		k++
		words, err := applyOne(tg, it.text, t.tag)
		_, typ := gec.ParseTag(t.tag)
		switch {
		case err != nil || (len(words) == 1 && words[0] == it.text):
			out = append(out, it)
		case len(words) == 0:
			changed = true
			d.moved = d.moved || typ == gec.WordOrder
			if it.tok >= 0 {
				it.deleted = true
				it.mark(typ, t.p)
				out = append(out, it)
			}
		case len(words) == 1:
			changed = true
			it.text = words[0]
			it.mark(typ, t.p)
			out = append(out, it)
		default:
			changed = true
			out = append(out, it, item{text: words[1], tok: -1, typ: typ, conf: t.p})
		}
	}
	d.items = out
	return changed
}

// applyOne applies one tag to one word, as gec.Tagger.ApplyTags would in
// the middle of a sentence: none (deleted), one or two words.
func applyOne(tg *gec.Tagger, word, tag string) ([]string, error) {
	if tag == gec.Keep {
		return []string{word}, nil
	}
	out, err := tg.ApplyTags([]string{gec.Start, word}, []string{gec.Keep, tag})
	if err != nil {
		return nil, err
	}
	return out[1:], nil
}

// appended is the word a tag on gec.Start adds, if it adds one.
func appended(tg *gec.Tagger, word, tag string) (string, bool) {
	if tag == gec.Keep {
		return "", false
	}
	out, err := tg.ApplyTags([]string{word}, []string{tag})
	if err != nil || len(out) != 2 {
		return "", false
	}
	return out[1], true
}

// take records what the passes made of a chunk: each token's new text and
// the words added in each gap.
func (doc *document) take(d *draft) {
	anchor := -1 // the last token met; -1: the chunk's start
	for _, it := range d.items {
		if it.tok >= 0 {
			t := &doc.toks[it.tok]
			t.now, t.deleted, t.typ, t.conf = it.text, it.deleted, it.typ, it.conf
			doc.chunk[it.tok] = d.first
			anchor = it.tok
			continue
		}
		if anchor < 0 {
			g := &doc.gaps[d.first]
			g.before = append(g.before, it.text)
			g.mark(it.typ, it.conf)
		} else {
			g := &doc.gaps[anchor+1]
			g.after = append(g.after, it.text)
			g.mark(it.typ, it.conf)
		}
	}
}

func (g *gap) mark(typ string, p float64) {
	if g.typ == "" {
		g.typ, g.conf = typ, p
		return
	}
	g.conf = min(g.conf, p)
}
