package tokenizer

import "unicode/utf8"

// byteRune is the GPT-2 byte-to-character table that tokenizer.json uses to
// spell byte-level tokens: a printable byte stands for itself, every other
// byte (controls, space, 127..160, 173) is moved to U+0100 upwards, in byte
// order, so that no token string contains whitespace (space is 'Ġ', newline
// 'Ċ'). sugarme builds the same table (pretokenizer.GenerateBytesChar).
var byteRune = func() [256]rune {
	var table [256]rune
	next := rune(256)
	for b := range 256 {
		if isPrintableByte(byte(b)) {
			table[b] = rune(b)
			continue
		}
		table[b] = next
		next++
	}
	return table
}()

// runeByte inverts byteRune; ok is false for a character no byte maps to.
var runeByte = func() map[rune]byte {
	m := make(map[rune]byte, 256)
	for b, r := range byteRune {
		m[r] = byte(b)
	}
	return m
}()

func isPrintableByte(b byte) bool {
	return ('!' <= b && b <= '~') || (0xA1 <= b && b <= 0xAC) || (0xAE <= b && b <= 0xFF)
}

// spell writes raw token bytes the way tokenizer.json stores them.
func spell(raw []byte) string {
	out := make([]byte, 0, 2*len(raw))
	for _, b := range raw {
		out = utf8.AppendRune(out, byteRune[b])
	}
	return string(out)
}

// unspell turns a tokenizer.json token string back into raw bytes; ok is
// false if it holds a character that stands for no byte.
func unspell(s string) (raw []byte, ok bool) {
	raw = make([]byte, 0, len(s))
	for _, r := range s {
		b, found := runeByte[r]
		if !found {
			return nil, false
		}
		raw = append(raw, b)
	}
	return raw, true
}
