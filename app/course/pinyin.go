package course

import (
	"strings"
	"unicode"
)

// marked holds each pinyin vowel (and the syllabic nasals m, n) with tone
// marks 1–4; index 0 is the plain letter.
var marked = map[rune][5]rune{
	'a': {'a', 'ā', 'á', 'ǎ', 'à'},
	'e': {'e', 'ē', 'é', 'ě', 'è'},
	'i': {'i', 'ī', 'í', 'ǐ', 'ì'},
	'o': {'o', 'ō', 'ó', 'ǒ', 'ò'},
	'u': {'u', 'ū', 'ú', 'ǔ', 'ù'},
	'ü': {'ü', 'ǖ', 'ǘ', 'ǚ', 'ǜ'},
	'n': {'n', 0, 'ń', 'ň', 'ǹ'}, // n̄ has no precomposed form
	'm': {'m', 0, 'ḿ', 0, 0},
}

// combining tone marks, for the marked letters Unicode has no precomposed
// character for (m̄, n̄, m̌, m̀).
var combining = [5]rune{0, '\u0304', '\u0301', '\u030C', '\u0300'}

// toneOf maps every tone-marked letter back to its plain letter and tone.
var toneOf = func() map[rune]struct {
	base rune
	tone int
} {
	m := map[rune]struct {
		base rune
		tone int
	}{}
	for base, forms := range marked {
		for tone := 1; tone <= 4; tone++ {
			if forms[tone] != 0 {
				m[forms[tone]] = struct {
					base rune
					tone int
				}{base, tone}
			}
		}
	}
	return m
}()

// NumberedToMarks turns CC-CEDICT style numbered pinyin ("ni3 hao3",
// "lu:4", "nv3", "ma5") into pinyin with tone marks ("nǐ hǎo", "lǜ", "nǚ",
// "ma"), keeping the spaces and any token that is not a numbered syllable
// (letters, punctuation) as it is. Capital letters stay capital.
func NumberedToMarks(numbered string) string {
	fields := strings.Split(numbered, " ")
	for i, f := range fields {
		fields[i] = markSyllable(f)
	}
	return strings.Join(fields, " ")
}

// PinyinWord turns the numbered syllables of one word into the way pinyin
// writes a word: syllables joined, with an apostrophe before a syllable
// that starts with a, o or e ("xi1 an1" → "xī'ān", "peng2 you5" → "péngyou").
func PinyinWord(numbered string) string {
	var b strings.Builder
	for i, f := range strings.Fields(numbered) {
		s := markSyllable(f)
		if i > 0 && startsWithAOE(s) {
			b.WriteByte('\'')
		}
		b.WriteString(s)
	}
	return b.String()
}

func startsWithAOE(s string) bool {
	for _, r := range s {
		r = unicode.ToLower(r)
		if t, ok := toneOf[r]; ok {
			r = t.base
		}
		return r == 'a' || r == 'o' || r == 'e'
	}
	return false
}

// markSyllable converts one numbered syllable; anything else is returned
// unchanged.
func markSyllable(s string) string {
	if len(s) < 2 {
		return s
	}
	tone := int(s[len(s)-1] - '0')
	if tone < 0 || tone > 5 {
		return s
	}
	body := s[:len(s)-1]
	body = strings.NewReplacer("u:", "ü", "U:", "Ü", "v", "ü", "V", "Ü").Replace(body)
	letters := []rune(body)
	for _, r := range letters {
		if !unicode.IsLetter(r) || r > unicode.MaxLatin1 {
			return s
		}
	}
	if tone == 5 || tone == 0 {
		return body
	}
	at := toneVowel(letters)
	if at < 0 {
		return s
	}
	return string(letters[:at]) + markLetter(letters[at], tone) + string(letters[at+1:])
}

// toneVowel finds the letter that carries the tone mark: a or e if present;
// the o of "ou"; otherwise the last vowel (so "iu" marks u and "ui" marks i);
// for a syllable with no vowel (m, n, ng, hm, hng) the m or n.
func toneVowel(letters []rune) int {
	lower := []rune(strings.ToLower(string(letters)))
	for i, r := range lower {
		if r == 'a' || r == 'e' {
			return i
		}
	}
	for i := 0; i+1 < len(lower); i++ {
		if lower[i] == 'o' && lower[i+1] == 'u' {
			return i
		}
	}
	for i := len(lower) - 1; i >= 0; i-- {
		if strings.ContainsRune("iouü", lower[i]) {
			return i
		}
	}
	for i, r := range lower {
		if r == 'm' || r == 'n' {
			return i
		}
	}
	return -1
}

func markLetter(r rune, tone int) string {
	upper := unicode.IsUpper(r)
	forms := marked[unicode.ToLower(r)]
	m := forms[tone]
	if m == 0 {
		return string(r) + string(combining[tone])
	}
	if upper {
		m = unicode.ToUpper(m)
	}
	return string(m)
}

// pinyinKey reduces pinyin written any common way (tone marks, tone
// numbers, "v" or "u:" for ü, with or without spaces and apostrophes) to the
// bare letters, with ü as "v", and the sequence of tones 1–4 in order.
// Neutral tones (5, 0 or no mark) add nothing to tones; toned reports
// whether the writer gave any tone at all.
func pinyinKey(s string) (letters, tones string, toned bool) {
	var l, t strings.Builder
	rs := []rune(strings.ToLower(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == 'ü' || r == 'v':
			l.WriteByte('v')
		case r == 'u' && i+1 < len(rs) && rs[i+1] == ':':
			l.WriteByte('v')
			i++
		case r >= 'a' && r <= 'z':
			l.WriteRune(r)
		case r >= '1' && r <= '4':
			t.WriteRune(r)
			toned = true
		case r == '5' || r == '0':
			toned = true
		case r == '\u0308': // combining diaeresis: u + ¨ is ü
			if str := l.String(); strings.HasSuffix(str, "u") {
				l.Reset()
				l.WriteString(str[:len(str)-1] + "v")
			}
		case r == combining[1] || r == combining[2] || r == combining[3] || r == combining[4]:
			for tone := 1; tone <= 4; tone++ {
				if r == combining[tone] {
					t.WriteByte(byte('0' + tone))
				}
			}
			toned = true
		default:
			if m, ok := toneOf[r]; ok {
				if m.base == 'ü' {
					l.WriteByte('v')
				} else {
					l.WriteRune(m.base)
				}
				t.WriteByte(byte('0' + m.tone))
				toned = true
			}
		}
	}
	return l.String(), t.String(), toned
}
