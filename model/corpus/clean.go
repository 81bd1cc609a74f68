package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The filters of DATA_SOURCES.md §4: a paragraph is kept when it has at
// least MinTokens whitespace-separated tokens, at least MinWordShare of them
// are words, and it ends a sentence.
const (
	MinTokens    = 8
	MinWordShare = 0.75
)

// Long paragraphs (a State of the Union address is one line of 50 KB) are
// cut at sentence ends into pieces of at least cutTarget bytes, so that the
// validation split and de-duplication work on paragraph-sized units.
const (
	cutAbove  = 2000
	cutTarget = 1000
)

// Verdict says what happened to a paragraph.
type Verdict int

const (
	Kept       Verdict = iota
	TooShort           // fewer than MinTokens tokens
	FewWords           // under MinWordShare of the tokens are words
	Unfinished         // does not end with . ! ? or …
	Garbled            // has U+FFFD: the source bytes were not text
)

// Normalize puts a paragraph into the corpus's canonical form: valid UTF-8
// in NFC, every run of white space (Unicode's, not only ASCII) one space,
// no control or invisible formatting characters (soft hyphens, zero-width
// spaces, byte-order marks), no space at either end.
func Normalize(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case invisible(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// invisible runes carry no text: control characters other than white space,
// the soft hyphen, zero-width spaces and joiners, the word joiner and the
// byte-order mark.
func invisible(r rune) bool {
	switch r {
	case '\u00AD', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return true
	}
	return unicode.IsControl(r)
}

// Judge applies the filters to a normalised paragraph.
func Judge(p string) Verdict {
	if strings.ContainsRune(p, utf8.RuneError) {
		return Garbled
	}
	tokens := strings.Fields(p)
	if len(tokens) < MinTokens {
		return TooShort
	}
	words := 0
	for _, t := range tokens {
		if isWord(t) {
			words++
		}
	}
	if float64(words) < MinWordShare*float64(len(tokens)) {
		return FewWords
	}
	if !endsSentence(p) {
		return Unfinished
	}
	return Kept
}

// isWord reports whether a token is a word: once the quotes, brackets and
// punctuation around it are trimmed ("(hello," → "hello"), it is letters, with apostrophes, hyphens
// or dots only between letters (don't, well-known, e.g). Numbers, code
// (a.b(c), x_1, --flag) and symbols are not words.
func isWord(t string) bool {
	t = strings.TrimRight(strings.TrimLeft(t, openers), closers+trailers)
	if t == "" {
		return false
	}
	prevLetter := false
	for _, r := range t {
		switch {
		case unicode.IsLetter(r) || unicode.IsMark(r):
			prevLetter = true
		case r == '\'' || r == '’' || r == '-' || r == '.':
			if !prevLetter {
				return false
			}
			prevLetter = false
		default:
			return false
		}
	}
	return prevLetter
}

// closers may follow the final punctuation of a sentence; openers are
// their opening halves, trailers the punctuation that may end a word.
const (
	closers  = `"'”’)]}»`
	openers  = `"'“‘([{«`
	trailers = `.,;:!?…`
)

// endsSentence reports whether p ends with sentence-final punctuation,
// possibly followed by closing quotes or brackets.
func endsSentence(p string) bool {
	p = strings.TrimRight(p, closers)
	r, _ := utf8.DecodeLastRuneInString(p)
	return r == '.' || r == '!' || r == '?' || r == '…'
}

// abbreviations end in a dot that does not end a sentence.
var abbreviations = map[string]bool{
	"Mr.": true, "Mrs.": true, "Ms.": true, "Dr.": true, "St.": true, "Jr.": true, "Sr.": true, "Mt.": true,
	"Gen.": true, "Gov.": true, "Sen.": true, "Rep.": true, "Hon.": true, "Messrs.": true, "Col.": true,
	"Capt.": true, "Lt.": true, "No.": true, "vs.": true, "etc.": true, "e.g.": true, "i.e.": true, "U.S.": true,
}

// SplitLong cuts a paragraph longer than cutAbove bytes into pieces of at
// least cutTarget bytes, each ending where a sentence ends; a paragraph
// with no such place stays whole.
func SplitLong(p string) []string {
	if len(p) <= cutAbove {
		return []string{p}
	}
	var pieces []string
	start := 0
	for i := 0; i < len(p); i++ {
		if p[i] != ' ' || i-start < cutTarget || !sentenceEndsBefore(p, start, i) {
			continue
		}
		if len(p)-i-1 < cutTarget/2 {
			break // leave the short rest with this piece
		}
		pieces = append(pieces, p[start:i])
		start = i + 1
	}
	return append(pieces, p[start:])
}

// sentenceEndsBefore reports whether the space at p[i] follows the end of a
// sentence (final punctuation, perhaps closing quotes) that does not end an
// abbreviation, and precedes what may start one (a capital, a digit or an
// opening quote).
func sentenceEndsBefore(p string, start, i int) bool {
	before := p[start:i]
	if !endsSentence(before) {
		return false
	}
	last := before[strings.LastIndexByte(before, ' ')+1:]
	if abbreviations[strings.TrimLeft(last, `"'“‘(`)] {
		return false
	}
	next, _ := utf8.DecodeRuneInString(p[i+1:])
	return unicode.IsUpper(next) || unicode.IsDigit(next) || strings.ContainsRune(`"'“‘(`, next)
}

// textParagraphs splits plain text into paragraphs at blank lines, joining
// the lines of each paragraph with spaces.
func textParagraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, " "))
			cur = cur[:0]
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		cur = append(cur, strings.TrimSpace(line))
	}
	flush()
	return paras
}
