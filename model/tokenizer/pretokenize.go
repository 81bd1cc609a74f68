package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// Pre-tokenization cuts text into pieces ("words") that BPE never merges
// across. It must cut exactly where sugarme's ByteLevel pre-tokenizer cuts, or
// training and encoding disagree. sugarme finds the matches of
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+
//
// with Go's regexp (leftmost-first, greedy) and keeps the text between two
// matches as a piece of its own. Only whitespace is never matched, so those
// gaps are runs of whitespace, less the one space that starts the next word.
// Go's \s is [\t\n\f\r ]: other Unicode spaces count as punctuation.
//
// The scanner below is that regexp written out by hand, about eight times
// faster; FuzzPreTokenize checks it against the regexp on arbitrary bytes.
// Like the regexp, it reads a byte that is not valid UTF-8 as U+FFFD, one
// byte wide, which is punctuation.
const splitPattern = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+`

// charClass is the part of the pattern a character belongs to.
type charClass uint8

const (
	classSpace  charClass = iota // \s: tab, newline, form feed, carriage return, space
	classLetter                  // \p{L}
	classNumber                  // \p{N}
	classOther                   // everything else, including bad UTF-8
)

var asciiClass = func() [utf8.RuneSelf]charClass {
	var table [utf8.RuneSelf]charClass
	for r := range rune(utf8.RuneSelf) {
		table[r] = classOf(r)
	}
	return table
}()

func classOf(r rune) charClass {
	switch {
	case r == '\t' || r == '\n' || r == '\f' || r == '\r' || r == ' ':
		return classSpace
	case unicode.IsLetter(r):
		return classLetter
	case unicode.IsNumber(r):
		return classNumber
	}
	return classOther
}

// classAt returns the class of the character at s[i] and its width in bytes.
func classAt(s []byte, i int) (charClass, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return asciiClass[c], 1
	}
	r, w := utf8.DecodeRune(s[i:])
	return classOf(r), w
}

// nextPiece returns the end of the piece that starts at i (i < len(s)).
func nextPiece(s []byte, i int) int {
	if end := matchAt(s, i); end > 0 {
		return end
	}
	// A gap: whitespace up to where the next match starts.
	j := i
	for j < len(s) {
		if matchAt(s, j) > 0 {
			return j
		}
		_, w := classAt(s, j)
		j += w
	}
	return j
}

// matchAt returns the end of the pattern's match starting at i, or -1 when
// no match starts there (i is whitespace that does not start a word).
func matchAt(s []byte, i int) int {
	if s[i] == '\'' {
		if end := contractionAt(s, i); end > 0 {
			return end
		}
	}
	class, w := classAt(s, i)
	if s[i] == ' ' {
		if i+1 >= len(s) {
			return -1
		}
		class, w = classAt(s, i+1)
		i++
	}
	if class == classSpace {
		return -1
	}
	j := i + w
	for j < len(s) {
		c, w := classAt(s, j)
		if c != class {
			break
		}
		j += w
	}
	return j
}

// contractionAt matches 's 't 're 've 'm 'll 'd (lower case only, as the
// pattern says) at an apostrophe s[i].
func contractionAt(s []byte, i int) int {
	if i+1 >= len(s) {
		return -1
	}
	switch s[i+1] {
	case 's', 't', 'm', 'd':
		return i + 2
	case 'r', 'v':
		if i+2 < len(s) && s[i+2] == 'e' {
			return i + 3
		}
	case 'l':
		if i+2 < len(s) && s[i+2] == 'l' {
			return i + 3
		}
	}
	return -1
}

// appendPieces appends the [start, end) of each piece of s to dst.
func appendPieces(dst [][2]int, s []byte) [][2]int {
	for i := 0; i < len(s); {
		end := nextPiece(s, i)
		dst = append(dst, [2]int{i, end})
		i = end
	}
	return dst
}
