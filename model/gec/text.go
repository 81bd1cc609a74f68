package gec

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is a word, a number or one punctuation mark of a text. Start and
// End are byte offsets: text[Start:End] == Text. White space is never
// part of a token.
type Token struct {
	Text       string
	Start, End int
}

// Tokenize splits text into words, numbers and punctuation marks. A word
// keeps its inner apostrophes and hyphens ("don't", "well-known"), a
// number its inner point or comma ("3.5", "1,000"); every other mark is a
// token of its own, full-width marks ("，" "。") included.
func Tokenize(text string) []Token {
	var toks []Token
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case isWordRune(r):
			end := wordEnd(text, i)
			toks = append(toks, Token{Text: text[i:end], Start: i, End: end})
			i = end
		default:
			toks = append(toks, Token{Text: text[i : i+size], Start: i, End: i + size})
			i += size
		}
	}
	return toks
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// wordEnd is where the word starting at i ends: letters and digits, with
// an apostrophe, hyphen, point or comma kept when a letter or digit
// follows it (a point or comma only between digits).
func wordEnd(text string, i int) int {
	prev := rune(0)
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			prev = r
			i += size
			continue
		}
		next, _ := utf8.DecodeRuneInString(text[i+size:])
		joins := false
		switch r {
		case '\'', '’', '-':
			joins = isWordRune(next)
		case '.', ',':
			joins = unicode.IsDigit(prev) && unicode.IsDigit(next)
		}
		if !joins {
			return i
		}
		prev = r
		i += size
	}
	return i
}

// IsWord says whether a token is a word or number rather than a mark.
func (t Token) IsWord() bool {
	r, _ := utf8.DecodeRuneInString(t.Text)
	return isWordRune(r)
}

// isLetters says whether s is made of letters only.
func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

// isCapitalised says whether s starts with an upper-case letter.
func isCapitalised(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// isAllCaps says whether s has two or more letters, all upper-case ("USA", "TV").
func isAllCaps(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			n++
		}
	}
	return n >= 2
}

// capitalise upper-cases the first letter of s.
func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// uncapitalise lower-cases the first letter of s.
func uncapitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}

// likeCase gives word the capitalisation of model: capitalised when model
// is, as it is otherwise.
func likeCase(word, model string) string {
	if isCapitalised(model) && !isAllCaps(model) {
		return capitalise(word)
	}
	return word
}

// runeOffset converts a byte offset of s into a character offset.
func runeOffset(s string, byteOff int) int {
	return utf8.RuneCountInString(s[:byteOff])
}

// byteOffset converts a character offset of s into a byte offset; -1 when
// it lies past the end.
func byteOffset(s string, runeOff int) int {
	if runeOff < 0 {
		return -1
	}
	n := 0
	for i := range s {
		if n == runeOff {
			return i
		}
		n++
	}
	if n == runeOff {
		return len(s)
	}
	return -1
}

// endsSentence says whether a mark ends a sentence.
func endsSentence(s string) bool {
	return strings.ContainsAny(s, ".!?。！？") && len([]rune(s)) == 1
}

// EditDistance is the Levenshtein distance between two words in letters
// (runes, so "café" and "cafe" are one apart): the fewest insertions,
// deletions and substitutions that turn a into b. The tagger, the error
// tables' derivation and the grader all measure spelling slips with it.
func EditDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev, cur := make([]int, len(y)+1), make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(y)]
}
