package difficulty

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a sentence as the estimator sees it.
type token struct {
	text    string // as written, without surrounding punctuation
	lower   string
	initial bool // first word of the sentence (or after . ! ? : ;)
}

// tokenize splits a sentence into words: runs of Latin letters with inner
// apostrophes (don't, o'clock); hyphenated words count as their parts
// (well-known → well, known), because a learner reads them so. Numbers and
// punctuation are not words, nor is text in other scripts (Chinese).
// clauseBreaks counts ; and : which join clauses.
func tokenize(s string) (words []token, clauseBreaks int) {
	s = strings.NewReplacer("’", "'", "‘", "'").Replace(s)
	start := true
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !latinLetter(r) {
			switch r {
			case '.', '!', '?':
				start = true
			case ';', ':':
				clauseBreaks++
				start = true
			}
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r2, n := utf8.DecodeRuneInString(s[j:])
			if latinLetter(r2) {
				j += n
				continue
			}
			if r2 == '\'' && j+n < len(s) {
				if next, _ := utf8.DecodeRuneInString(s[j+n:]); latinLetter(next) {
					j += n
					continue
				}
			}
			break
		}
		w := s[i:j]
		words = append(words, token{text: w, lower: strings.ToLower(w), initial: start})
		start = false
		i = j
	}
	return words, clauseBreaks
}

func latinLetter(r rune) bool { return unicode.IsLetter(r) && unicode.Is(unicode.Latin, r) }

// name reports whether a word is most likely a name: capitalised where a
// sentence does not start, or capitalised at the start and unknown to the
// table. Names are not vocabulary a learner is expected to know.
func (tk token) name(known bool) bool {
	r, _ := utf8.DecodeRuneInString(tk.text)
	switch {
	case !unicode.IsUpper(r):
		return false
	case !known:
		return true
	case tk.initial || tk.text == strings.ToUpper(tk.text):
		return false // a sentence's first word, "I", or capitals for emphasis
	}
	return true
}

// functionWords are the closed-class words (articles, pronouns,
// prepositions, conjunctions, auxiliaries and modals): a learner meets them
// in the first weeks, and their rarity says nothing about a sentence, so
// only the other (content) words count for rarity. They still count for
// length.
var functionWords = setOf(`a an the this that these those my your his her its our their mine yours hers ours
theirs i me you he him she it we us they them myself yourself himself herself itself ourselves yourselves
themselves who whom whose which what where when why how whoever whatever some any no every each either
neither both all few many much more most less least other another such own same several enough
and but or nor so yet for because although though while whereas unless if whether than as since until till
before after once that of in on at to from by with without about above below over under between among
into onto through during across along around against behind beyond near off out up down upon within
toward towards per via be am is are was were been being have has had having do does did doing done
will would shall should can could may might must ought not don't doesn't didn't isn't aren't wasn't
weren't won't wouldn't can't couldn't shouldn't haven't hasn't hadn't i'm you're he's she's it's we're
they're i've you've we've they've i'll you'll he'll she'll we'll they'll i'd you'd he'd she'd we'd
they'd let's there here then now also too very just only even still not`)

// clauseMarkers open a subordinate or relative clause: each one is a
// clause the learner has to hold while reading.
var clauseMarkers = setOf(`because although though whereas while unless whether if since until when whenever
where wherever which who whom whose whoever whatever`)

// questionWords open a question at the start of a sentence rather than a
// clause.
var questionWords = setOf(`when where which who whom whose`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
