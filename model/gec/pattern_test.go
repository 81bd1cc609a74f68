package gec

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// subjects are texts to match: ASCII words and punctuation, line breaks,
// Chinese punctuation, and runes whose case folding is not ASCII's (the
// Kelvin sign folds with k, the long s with s, Σ with σ and ς).
var subjects = []string{
	"", "a", "A", "ab", "abc", "aaa", "aB", "ba", "abab", "xyz", "x", "-", "]", "[", "{", "}", "{2}", "a{2}", "a{,2}",
	"I ate a apple.", "I have lived here since 2010.", "He has went home", "She go to school", "an", "the", "The the",
	"hello\nworld", "\n", "a\n", "\na", "a\nb\n", "line one\nline two", "  ", "\t", " a ", "a b", "a_b", "a-b",
	"enough", "very much", "tion", "station", "cion", "shun", "ei", "ie", "ph", "photo", "friend", "receive",
	"你好，世界。", "什么？", "is", "are", "am", "Is", "ARE", "childs", "childrens", "knife", "1999", "2010", "0",
	"k", "K", "\u212a", "s", "S", "\u017f", "σ", "Σ", "ς", "ſt", "ǅ", "ǆ", "Ǆ", "ß", "ẞ", "İ", "ı", "i",
	"x\x00y", "\xff", "a\xffb", "\u00e9", "caf\u00e9", "'", "’", "I'm", "I’m", "i'd", "can't", "a.b", "a*b", "a+b",
	"a?b", "a|b", "(a)", "\\", "$", "^", "a$", "^a", "9:30", "o'clock", "twenty one", "Monday", "monday", "MONDAY",
}

// patterns are expressions that stress the parser: every escape, class,
// flag and repetition form, and ones Go refuses.
var patterns = []string{
	``, `a`, `abc`, `a|b`, `a|`, `|`, `||a`, `(a)`, `()`, `(?:)`, `(?:a|b)c`, `a*`, `a+`, `a?`, `a*?`, `a+?`, `a??`,
	`a**`, `a*+`, `a+*`, `a??*`, `a*{2}`, `*a`, `+`, `?`, `(*)`, `(|*)`, `a|*`, `a(?i)*`, `a*(?i)*`, `(?i)*`,
	`a{2}`, `a{2,}`, `a{2,3}`, `a{0}`, `a{0,0}`, `a{0,}`, `a{,3}`, `a{}`, `a{x}`, `a{2`, `a{2,`, `a{2,3`, `{2}`, `a{3,2}`,
	`a{1000}`, `a{1001}`, `a{02}`, `a{2,03}`, `a{99999999999}`, `(a{2}){500}`, `(a{10}){101}`, `(a{10}){100}`, `(a*){1000}`,
	`a{2}{3}`, `0*{*`, `a*{`, `a*{,`, `\\p`, `[\\p]`, `a{2}?`, `a{2}??`, `(a{2})*`, `x{0}y`, `{`, `}`, `a}`, `{a}`, `a{,}`,
	`^`, `$`, `^$`, `^a`, `a$`, `^a$`, `(?m)^a$`, `(?m)^b`, `(?m)a$`, `(?m)^$`, `\A`, `\z`, `\Aa`, `a\z`, `\Z`,
	`\b`, `\B`, `\ba\b`, `\Ba`, `a\B`, `\bthe\b`, `(?i)\bthe\b`, `\b\b`, `^\b`, `\B$`,
	`.`, `a.b`, `(?s)a.b`, `(?s:.)`, `.*`, `^.*$`, `(?s)^.*$`, `a.*b`, `a.+b`,
	`\d`, `\D`, `\s`, `\S`, `\w`, `\W`, `\d+`, `\w+\s+\w+`, `(?i)\w`, `(?i)\W`, `(?i)[\W]`, `(?i)[^\W]`, `(?i)[^\w]`,
	`[abc]`, `[^abc]`, `[a-c]`, `[^a-c]`, `[a-]`, `[-a]`, `[a-c-e]`, `[]a]`, `[^]a]`, `[]`, `[^]`, `[`, `[a`, `[a-`,
	`[c-a]`, `[a-\d]`, `[\d-z]`, `[\d]`, `[^\d]`, `[\D]`, `[\s\d]`, `[\w-]`, `[.]`, `[*+?]`, `[\]]`, `[\[]`, `[\-]`,
	`[\^]`, `[^^]`, `[\n]`, `[\x41-\x43]`, `[\0-\x20]`, `[[:alpha:]]`, `[[:^alpha:]]`, `[[:digit:][:upper:]]`,
	`[[:word:]]`, `[[:foo:]]`, `[[:alpha:]`, `[[:alpha]`, `[[:]`, `[[:x]:]]`, `[[]`, `[[a]`, `(?i)[[:upper:]]`,
	`(?i)[[:^lower:]]`, `[[:punct:]]`, `[[:space:]]`, `[[:xdigit:]]+`, `[[:blank:][:cntrl:]]`, `[[:graph:]]`,
	`[[:print:]]`, `[[:ascii:]]`, `[[:^ascii:]]`, `[[:alnum:]]`,
	`\.`, `\*`, `\\`, `\[`, `\]`, `\{`, `\}`, `\(`, `\)`, `\|`, `\^`, `\$`, `\?`, `\+`, `\-`, `\_`, `\'`, `\"`, `\ `,
	`\/`, `\#`, `\~`, `\!`, `\@`, `\%`, `\&`, `\=`, `\<`, `\>`, `\,`, `\;`, `\:`, "\\`",
	`\a`, `\f`, `\n`, `\r`, `\t`, `\v`, `\e`, `\q`, `\y`, `\1`, `\8`, `\9`, `\0`, `\01`, `\012`, `\0123`, `\12`, `\123`,
	`\177`, `\18`, `\x41`, `\x4`, `\x`, `\xg1`, `\x{41}`, `\x{}`, `\x{41`, `\x{10FFFF}`, `\x{110000}`, `\x{0000000041}`,
	`\x{4g}`, `\x{212A}`, `(?i)\x{212A}`, `\C`, `\Qa.b\E`, `\Qa.b`, `\Q\E`, `\Q\E*`, `a\Q\E*`, `\Qab\E*`, `\Q*\E+`,
	`\`, `a\`, `\é`, `\你`,
	`(?i)a`, `(?i)k`, `(?i)K`, `(?i)s`, `(?i)σ`, `(?i)ς`, `(?i)ǅ`, `(?i)ß`, `(?i)i`, `(?i)[k]`, `(?i)[a-z]`, `(?i)[^a-z]`,
	`(?i)[^k]`, `(?i)[^s]`, `(?i)[j-l]`, `(?i)[r-t]+`, `(?i)[Σ]`, `(?i)[^σ]`, `(?i)[\x{100}-\x{200}]`, `(?i)[^\x{0}-\x{ff}]`,
	`(?i)the|a`, `a(?i)b|c`, `(a(?i)b)c`, `(?i:a)b`, `(?i:a(?-i)b)c`, `(?i)(?-i)a`, `(?i-i)a`, `(?-)a`, `(?i-)a`,
	`(?-i)a`, `(?)a`, `(?i`, `(?x)a`, `(?P<n>a)`, `(?<n>a)`, `(?P<n>a`, `(?P<>a)`, `(?P<n!>a)`, `(?P<n`, `(?<n`, `(?'n'a)`,
	`(?P=n)`, `(?P>a)`, `(?P<`, `(?<`, `(?U)a+`, `(?smiU)a`, `(?s-m:.)`, `(?:(?i)a)b`, `(?m:^a)|b$`,
	`(a`, `a)`, `)`, `((a)`, `(a))`, `(?:a`, `((((a))))`, `(a|b|)+`, `(a*)*`, `(a*)+`, `(^)*`, `(\b)*a`, `(a|ab)(c|bcd)(d*)`,
	`\p{Han}`, `\pL`, `\PL`, `[\p{Han}]`, `\p`,
	`[，。？！：；]`, `[一-鿿]+`, `你好`, `(?i)ＡＢＣ`, `(?i)[ａ-ｚ]`, `^\s*$`,
}

// TestPatternAgreesWithRegexp: on every expression Go accepts (and that
// has no Unicode class) the pattern accepts it too and matches exactly the
// subjects regexp matches; what Go refuses, the pattern refuses.
func TestPatternAgreesWithRegexp(t *testing.T) {
	exprs := append(append([]string(nil), patterns...), committedPatterns(t)...)
	for _, expr := range exprs {
		comparePattern(t, expr, subjects)
	}
}

// committedPatterns are the patterns of data/explain.
func committedPatterns(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dataDir, "explain", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no explanation files in %s/explain: %v", dataDir, err)
	}
	var exprs []string
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var f ExplanationFile
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, r := range f.Rules {
			for _, e := range []string{r.FromPattern, r.ToPattern, r.Before, r.After, r.Sentence} {
				if e != "" {
					exprs = append(exprs, e)
				}
			}
		}
	}
	if len(exprs) < 50 {
		t.Fatalf("only %d patterns in data/explain", len(exprs))
	}
	return exprs
}

func comparePattern(t *testing.T, expr string, texts []string) {
	t.Helper()
	want, goErr := regexp.Compile(expr)
	got, err := compilePattern(expr)
	switch {
	case err != nil && strings.Contains(err.Error(), "Unicode classes"):
		if !strings.Contains(expr, `\p`) && !strings.Contains(expr, `\P`) {
			t.Errorf("%q: %v", expr, err)
		}
		return
	case goErr != nil && err == nil:
		t.Errorf("%q: accepted; regexp says %v", expr, goErr)
		return
	case goErr == nil && err != nil:
		t.Errorf("%q: %v; regexp accepts it", expr, err)
		return
	case err != nil:
		return
	}
	for _, s := range texts {
		if g, w := got.MatchString(s), want.MatchString(s); g != w {
			t.Errorf("%q on %q: %v, regexp %v", expr, s, g, w)
		}
	}
}

// TestPatternAgreesWithRegexpOnRandomExpressions builds expressions from
// the pieces above at random and compares them the same way.
func TestPatternAgreesWithRegexpOnRandomExpressions(t *testing.T) {
	atoms := []string{`a`, `b`, `k`, `s`, `σ`, `\x{212A}`, `.`, `\w`, `\W`, `\d`, `\s`, `[a-c]`, `[^ab]`, `[[:upper:]]`,
		`\b`, `\B`, `^`, `$`, `\A`, `\z`, `(?i)`, `(?m)`, `(?s)`, `(?-i)`, `\n`, ` `, `'`, `你`, `[^\W]`, `[\s\d]`}
	ops := []string{``, ``, `*`, `+`, `?`, `{2}`, `{0,2}`, `{1,}`, `*?`}
	texts := append([]string(nil), subjects...)
	rng := rand.New(rand.NewPCG(7, 11))
	letters := []rune("abks σςΣK\u212a\nAB'你1_")
	for range 200 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteRune(letters[rng.IntN(len(letters))])
		}
		texts = append(texts, b.String())
	}
	var expr func(depth int) string
	expr = func(depth int) string {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			switch k := rng.IntN(10); {
			case k == 0 && depth < 3:
				b.WriteString("(" + expr(depth+1) + "|" + expr(depth+1) + ")")
			case k == 1 && depth < 3:
				b.WriteString("(?i:" + expr(depth+1) + ")")
			default:
				b.WriteString(atoms[rng.IntN(len(atoms))])
			}
			b.WriteString(ops[rng.IntN(len(ops))])
		}
		return b.String()
	}
	for range 3000 {
		comparePattern(t, expr(0), texts)
	}
}

// FuzzPattern compares the pattern with regexp on any expression and text.
func FuzzPattern(f *testing.F) {
	for i, p := range patterns {
		f.Add(p, subjects[i%len(subjects)])
	}
	f.Fuzz(func(t *testing.T, expr, text string) {
		if len(expr) > 200 {
			return
		}
		comparePattern(t, expr, []string{text})
	})
}

func BenchmarkPatternMatch(b *testing.B) {
	p, err := compilePattern(`(?i)\b(can|could|will|would|shall|should|may|might|must)\s+((not|also|always|never|still|just)\s+)?$`)
	if err != nil {
		b.Fatal(err)
	}
	text := "Yesterday I told my teacher that we really should "
	for b.Loop() {
		p.MatchString(text)
	}
}
