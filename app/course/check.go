package course

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Result is the verdict on one typed answer.
type Result struct {
	Correct    bool   // the answer counts as right
	Typo       bool   // right, but only within typo tolerance (or, for pinyin, without tones)
	Expected   string // the accepted answer to show the learner: the one matched, else the first
	Normalized string // the learner's answer after normalisation
}

// SkillPinyin marks an item whose answers are pinyin: Check then compares
// letters and tones, whatever way the learner writes the tones.
const SkillPinyin = "pinyin"

// Check compares a learner's typed answer with an item's accepted answers.
//
// Both sides are normalised first: Unicode lower case, surrounding and
// repeated spaces, full-width letters and punctuation, curly quotes and
// trailing punctuation are ignored; for vocabulary items a leading article
// or infinitive marker ("the", "a", "an", "to") is optional. Any accepted
// answer counts. A near miss counts as right with Typo set when its
// Damerau–Levenshtein distance to an answer is at most 1 for answers of 4–7
// characters and at most 2 for 8 or more; shorter answers, answers in Han
// characters (where one wrong character is another word), choices and
// sentence ordering must match exactly.
//
// Items tagged with the skill "pinyin" accept tone marks ("nǐ hǎo"), tone
// numbers ("ni3 hao3"), "v" or "u:" for ü, and any spacing. Wrong tones make
// the answer wrong; an answer with no tones at all but the right letters
// counts as right with Typo set, so the learner sees the tones and the
// rating is Hard.
func Check(it Item, answer string) Result {
	if contains(it.Skills, SkillPinyin) {
		return checkPinyin(it, answer)
	}
	optionalArticle := it.Kind == KindVocab
	given := normalize(answer, optionalArticle)
	res := Result{Normalized: given}
	if len(it.Answers) > 0 {
		res.Expected = it.Answers[0]
	}
	tolerant := it.Kind != KindChoice && it.Kind != KindOrder
	best := -1
	for _, want := range it.Answers {
		w := normalize(want, optionalArticle)
		if w == given {
			res.Correct, res.Typo, res.Expected = true, false, want
			return res
		}
		if !tolerant || given == "" {
			continue
		}
		allow := typoAllowance(w)
		if !closeInLength(w, given, allow) {
			continue
		}
		if d := distance(w, given); d <= allow && (best < 0 || d < best) {
			best = d
			res.Correct, res.Typo, res.Expected = true, true, want
		}
	}
	return res
}

// typoAllowance is the edit distance a near miss may have from want.
func typoAllowance(want string) int {
	if hasHan(want) {
		return 0
	}
	switch n := utf8.RuneCountInString(want); {
	case n < 4:
		return 0
	case n < 8:
		return 1
	default:
		return 2
	}
}

// closeInLength reports whether a and b differ in length by at most allow
// runes, which any two strings within that edit distance do; it spares the
// quadratic distance on a pasted essay.
func closeInLength(a, b string, allow int) bool {
	d := utf8.RuneCountInString(a) - utf8.RuneCountInString(b)
	return d <= allow && -d <= allow
}

func checkPinyin(it Item, answer string) Result {
	gl, gt, toned := pinyinKey(answer)
	res := Result{Normalized: normalize(answer, false)}
	if len(it.Answers) > 0 {
		res.Expected = it.Answers[0]
	}
	if gl == "" {
		return res
	}
	best := -1
	for _, want := range it.Answers {
		wl, wt, _ := pinyinKey(want)
		if toned && gt != wt {
			continue
		}
		allow := typoAllowance(wl)
		if !closeInLength(wl, gl, allow) {
			continue
		}
		d := distance(wl, gl)
		// a word of neutral tones only ("de", "ma") has no tones to give
		if d == 0 && (toned || wt == "") {
			res.Correct, res.Typo, res.Expected = true, false, want
			return res
		}
		if d <= allow && (best < 0 || d < best) {
			best = d
			res.Correct, res.Typo, res.Expected = true, true, want
		}
	}
	return res
}

// Thresholds for Rating, in answer time per expected character, plus a
// fixed time to read the prompt. Typing speed of a learner in a foreign
// language is about 2–3 characters a second; "fast" is well above that
// pace and "slow" means the answer was searched for.
const (
	FastBase    = 3 * time.Second
	FastPerRune = 200 * time.Millisecond
	SlowBase    = 15 * time.Second
	SlowPerRune = 600 * time.Millisecond
)

// Rating maps a checked answer and the time it took to an FSRS rating:
//
//	1 Again: wrong;
//	2 Hard:  right but with a typo (or without pinyin tones), or slow:
//	         longer than SlowBase + SlowPerRune × characters of the expected answer;
//	4 Easy:  exact and fast: at most FastBase + FastPerRune × characters;
//	3 Good:  otherwise, and whenever the duration is unknown (zero or negative).
func Rating(res Result, duration time.Duration) int {
	if !res.Correct {
		return 1
	}
	if res.Typo {
		return 2
	}
	if duration <= 0 {
		return 3
	}
	n := time.Duration(utf8.RuneCountInString(res.Expected))
	switch {
	case duration > SlowBase+SlowPerRune*n:
		return 2
	case duration <= FastBase+FastPerRune*n:
		return 4
	default:
		return 3
	}
}

// normalize reduces an answer to the form answers are compared in.
func normalize(s string, optionalArticle bool) string {
	s = strings.Map(foldWidth, s)
	s = strings.ToLower(s)
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	s = strings.TrimLeftFunc(s, func(r rune) bool { return r == '"' || r == '\'' || unicode.IsSpace(r) })
	s = spaceBeforePunct.Replace(s)
	s = dropSpacesNextToHan(s)
	if optionalArticle {
		for _, a := range []string{"the ", "a ", "an ", "to "} {
			if rest, ok := strings.CutPrefix(s, a); ok && rest != "" {
				s = rest
				break
			}
		}
	}
	return s
}

var spaceBeforePunct = strings.NewReplacer(" ,", ",", " .", ".", " !", "!", " ?", "?", " ;", ";", " :", ":")

// foldWidth maps full-width forms, CJK punctuation and typographic quotes
// to their plain ASCII equivalents.
func foldWidth(r rune) rune {
	switch {
	case r >= '！' && r <= '～': // U+FF01..U+FF5E: full-width ASCII
		return r - 0xFEE0
	case r == '\u3000', r == '\u00a0':
		return ' '
	}
	switch r {
	case '‘', '’', '‚', '‛', '′', '`', '´':
		return '\''
	case '“', '”', '„', '‟', '″', '«', '»', '「', '」', '『', '』':
		return '"'
	case '。', '｡':
		return '.'
	case '、', '､':
		return ','
	case '【', '〔', '〈', '《':
		return '('
	case '】', '〕', '〉', '》':
		return ')'
	case '–', '—', '－':
		return '-'
	case '…':
		return '.'
	}
	return r
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// dropSpacesNextToHan removes spaces that touch a Han character: Chinese is
// written without spaces, and an input method may insert them.
func dropSpacesNextToHan(s string) string {
	if !hasHan(s) || !strings.Contains(s, " ") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if r == ' ' && (i > 0 && unicode.Is(unicode.Han, rs[i-1]) || i+1 < len(rs) && unicode.Is(unicode.Han, rs[i+1])) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// distance is the Damerau–Levenshtein distance (optimal string alignment:
// insertions, deletions, substitutions and swaps of two neighbours) between
// a and b, counted in runes.
func distance(a, b string) int {
	x, y := []rune(a), []rune(b)
	// three rows of the dynamic-programming table: two back, one back, this.
	prev2 := make([]int, len(y)+1)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
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
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}
