package checker

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tutor-dev/tutor/model/gec"
)

// result turns what the passes made of the document into edits on the
// learner's text, with their explanations.
func (c *Checker) result(doc *document) (Result, error) {
	text := string(doc.text)
	res := Result{Text: text, Edits: []Edit{}}
	var plain []gec.Edit
	for _, e := range doc.edits() {
		ge := gec.Edit{Start: e.start, End: e.end, Replacement: e.repl, Type: e.typ}
		plain = append(plain, ge)
		ed := Edit{Start: e.start, End: e.end, Replacement: e.repl, Type: e.typ, Confidence: e.conf}
		if rule, ok := c.explain.Match(ge, text); ok {
			ex := rule.Example
			ed.ExplanationZH, ed.ExplanationEN, ed.Example = rule.Zh, rule.En, &ex
		} else {
			ed.ExplanationZH, ed.ExplanationEN = c.explain.Explain(ge, text)
		}
		res.Edits = append(res.Edits, ed)
	}
	corrected, err := gec.Apply(text, plain)
	if err != nil {
		// The edits are built apart from one another; this would be a bug
		// here, reported rather than hidden.
		return Result{}, fmt.Errorf("checker: %q: %v", text, err)
	}
	res.Corrected = corrected
	return res, nil
}

// span is a change of the text being built into an edit.
type span struct {
	start, end int // characters of the text
	repl       string
	typ        string
	conf       float64
	chunk      int // the chunk (sentence) it lies in
}

// edits is the document's changes as edits on its text: runs of changed
// tokens and gaps become one edit each, the two halves of a word moved in
// one sentence become one, and white space both sides keep is left out.
func (doc *document) edits() []span {
	doc.cutSpaces()
	var out []span
	var cur *span
	for _, s := range doc.segments() {
		if !s.changed {
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
			continue
		}
		if cur == nil {
			cur = &span{start: s.start, chunk: s.chunk, conf: s.conf}
		}
		cur.end = s.end
		cur.repl += s.now
		if cur.typ == "" {
			cur.typ = s.typ
		}
		cur.conf = min(cur.conf, s.conf)
	}
	if cur != nil {
		out = append(out, *cur)
	}
	out = doc.joinMoves(out)
	for i := range out {
		out[i] = doc.trim(out[i])
		if out[i].typ == "" {
			out[i].typ = gec.Types[0] // every change carries its tag's type; never reached
		}
	}
	// The spans are apart, so no two share a start and a stable sort orders
	// them as any would; it is the sort the browser's engine links anyway.
	sort.SliceStable(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// segment is a token or a gap with what it became.
type segment struct {
	start, end int
	now        string
	changed    bool
	typ        string
	conf       float64
	chunk      int
}

// segments lists the gaps and tokens in text order: gap 0, token 0, gap 1, …
func (doc *document) segments() []segment {
	var out []segment
	for i, g := range doc.gaps {
		orig := string(doc.text[g.start:g.end])
		now := doc.gapText(i)
		chunk := doc.chunkNear(i)
		out = append(out, segment{start: g.start, end: g.end, now: now, changed: now != orig, typ: g.typ, conf: g.conf, chunk: chunk})
		if i == len(doc.toks) {
			break
		}
		t := doc.toks[i]
		now = doc.tokenText(i)
		out = append(out, segment{start: t.start, end: t.end, now: now, changed: now != t.text, typ: t.typ, conf: t.conf, chunk: doc.chunk[i]})
	}
	return out
}

func (doc *document) chunkNear(gap int) int {
	switch {
	case len(doc.toks) == 0:
		return 0
	case gap < len(doc.toks):
		return doc.chunk[gap]
	}
	return doc.chunk[len(doc.toks)-1]
}

// cutSpaces gives each deleted token one space of the gaps beside it: the
// one before it, or, for a word with none before it (at the start of a
// sentence, after an opening mark), the one after it. A mark without a
// space before it takes none: deleting the comma of "However, we" must not
// join the words.
func (doc *document) cutSpaces() {
	for i, t := range doc.toks {
		if !t.deleted {
			continue
		}
		before, after := &doc.gaps[i], &doc.gaps[i+1]
		switch {
		case before.room() > 0:
			before.cutEnd = true
			before.mark(t.typ, t.conf)
		case isWord(t.text) && after.room() > 0:
			after.cutStart = true
			after.mark(t.typ, t.conf)
		}
	}
}

func (g *gap) room() int {
	n := g.end - g.start
	if g.cutStart {
		n--
	}
	if g.cutEnd {
		n--
	}
	return n
}

// gapText is what gap i became: the words added after the token before
// it, its white space less what deletions took, and the words added at
// the start of the sentence after it.
func (doc *document) gapText(i int) string {
	g := doc.gaps[i]
	var b strings.Builder
	for _, w := range g.after {
		if !attaches(w) {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	lo, hi := g.start, g.end
	if g.cutStart && lo < hi {
		lo++
	}
	if g.cutEnd && lo < hi {
		hi--
	}
	b.WriteString(string(doc.text[lo:hi]))
	for i, w := range g.before {
		if i > 0 && !attaches(w) {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	if len(g.before) > 0 {
		b.WriteByte(' ')
	}
	return b.String()
}

// tokenText is what token i became. A full-width mark made ASCII gets the
// space after it that ASCII punctuation wants ("tired，so" → "tired, so").
func (doc *document) tokenText(i int) string {
	t := doc.toks[i]
	if t.deleted {
		return ""
	}
	next := doc.gaps[i+1]
	if t.now != t.text && strings.ContainsAny(t.text, "，。？！：；") && attaches(t.now) &&
		next.start == next.end && len(next.after) == 0 && i+1 < len(doc.toks) {
		return t.now + " "
	}
	return t.now
}

// attaches says whether a word is a mark written right after the word
// before it, with no space.
func attaches(w string) bool {
	return utf8.RuneCountInString(w) == 1 && strings.ContainsAny(w, ".,!?;:)")
}

func isWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// joinMoves makes one edit of two word-order changes in a row in one
// sentence: the tagger moves a word by deleting it in one place and
// adding it in another, and the learner should see one change,
// "drinks always" → "always drinks", as gold sets mark it.
func (doc *document) joinMoves(spans []span) []span {
	var out []span
	for _, s := range spans {
		if n := len(out); n > 0 && out[n-1].typ == gec.WordOrder && s.typ == gec.WordOrder && out[n-1].chunk == s.chunk {
			last := &out[n-1]
			last.repl += string(doc.text[last.end:s.start]) + s.repl
			last.end = s.end
			last.conf = min(last.conf, s.conf)
			continue
		}
		out = append(out, s)
	}
	return out
}

// trim takes off the white space that both the span and its replacement
// begin or end with, so that an added word reads as an insertion before
// the next word ("to " before "school") rather than a changed space.
func (doc *document) trim(s span) span {
	old := doc.text[s.start:s.end]
	repl := []rune(s.repl)
	for len(old) > 0 && len(repl) > 0 && old[0] == repl[0] && unicode.IsSpace(old[0]) {
		old, repl = old[1:], repl[1:]
		s.start++
	}
	for len(old) > 0 && len(repl) > 0 && old[len(old)-1] == repl[len(repl)-1] && unicode.IsSpace(old[len(old)-1]) {
		old, repl = old[:len(old)-1], repl[:len(repl)-1]
		s.end--
	}
	s.repl = string(repl)
	return s
}
