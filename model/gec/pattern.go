package gec

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A pattern is a regular expression of an explanation rule. It reads Go's
// syntax (the regexp/syntax documentation, with the flags regexp.Compile
// uses) except the Unicode classes \pN, \p{Name}, \PN and \P{Name}, and it
// answers one question, whether the expression matches somewhere in a
// text, which is all a rule asks.
//
// It is not package regexp because this package runs in the browser: the
// regexp parser and the Unicode tables it links cost the inference engine's
// download more than 100 KB gzipped. On every expression both accept, the
// two agree on whether a text matches (pattern_test.go compares them); an
// expression with a Unicode class is refused with an error that says so.
//
// Matching is a Thompson NFA run over the text once, in time proportional
// to the text's length times the expression's size; Go's leftmost-first
// and greedy choices do not change whether there is a match, so the NFA
// needs none of them.
type pattern struct {
	prog  []inst
	start int
}

// An inst is one state of the NFA. Runes are matched by nfaRune, nfaClass,
// nfaAny and nfaAnyNotNL, which go on to out; nfaSplit goes on to out and
// out1 without reading; nfaAssert goes on to out where its condition holds.
type inst struct {
	op        nfaOp
	out, out1 int
	r         rune      // nfaRune
	fold      bool      // nfaRune: r or any rune in its case-folding orbit
	class     *runeSet  // nfaClass
	assert    assertion // nfaAssert
}

type nfaOp uint8

const (
	nfaMatch nfaOp = iota
	nfaRune
	nfaClass
	nfaAny
	nfaAnyNotNL
	nfaSplit
	nfaAssert
)

// assertion is an empty-width condition on the runes around a position.
type assertion uint8

const (
	beginText      assertion = iota // \A, and ^ without the m flag
	endText                         // \z, and $ without the m flag
	beginLine                       // ^ with the m flag
	endLine                         // $ with the m flag
	wordBoundary                    // \b
	noWordBoundary                  // \B
)

// The limits are Go's: a counted repetition repeats at most maxRepeat
// times, also counting the repetitions nested inside it. maxInsts bounds
// the NFA that the repetitions expand into; maxDepth the nesting of groups.
const (
	maxRepeat = 1000
	maxInsts  = 1 << 20
	maxDepth  = 1000
)

// compilePattern parses expr and builds its NFA.
func compilePattern(expr string) (*pattern, error) {
	if !utf8.ValidString(expr) {
		return nil, &patternError{what: "invalid UTF-8"}
	}
	p := &parser{whole: expr, t: expr}
	n, err := p.alternation(0)
	if err != nil {
		return nil, err
	}
	if p.t != "" { // only a ')' stops the top level before the end
		return nil, &patternError{"unexpected )", expr}
	}
	c := &compiler{}
	match := c.emit(inst{op: nfaMatch})
	start, err := c.compile(n, match)
	if err != nil {
		return nil, err
	}
	return &pattern{prog: c.prog, start: start}, nil
}

// A patternError says why an expression is not a pattern, in regexp's
// words where regexp would refuse it too, and quotes the part at fault.
type patternError struct {
	what, expr string
}

func (e *patternError) Error() string {
	if e.expr == "" {
		return e.what
	}
	return e.what + ": `" + e.expr + "`"
}

// The syntax tree.

type nodeKind uint8

const (
	nEmpty    nodeKind = iota // matches the empty string
	nRune                     // r, folded if fold
	nClass                    // class
	nAny                      // any rune
	nAnyNotNL                 // any rune but '\n'
	nAssert                   // assert
	nConcat                   // subs one after the other
	nAlt                      // one of subs
	nRepeat                   // subs[0], min to max times (max -1: no bound)
)

type node struct {
	kind     nodeKind
	r        rune
	fold     bool
	class    *runeSet
	assert   assertion
	subs     []*node
	min, max int
	counted  bool // a {n,m} repetition, which the repetition limit counts
}

// The parser.

// flags are the settings (?i), (?m) and (?s) change. (?U) is accepted and
// changes nothing here: greediness does not decide whether there is a match.
type flags struct {
	fold, multiLine, dotNL bool
}

type parser struct {
	whole string // the expression, for errors
	t     string // what is left to parse
	flags flags
}

// alternation parses alternatives separated by '|' up to a ')' or the end,
// which it leaves in p.t. Flags set inside it last to its end, across '|',
// as in Go.
func (p *parser) alternation(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &patternError{"expression nests too deeply", p.whole}
	}
	var alts []*node
	var seq []*node
	lastRepeat := "" // the repetition operator just read: Go refuses a** and a*{2}
	for p.t != "" && p.t[0] != ')' {
		repeat := ""
		t := p.t
		switch t[0] {
		case '|':
			alts = append(alts, concat(seq))
			seq = nil
			p.t = t[1:]
		case '(':
			if strings.HasPrefix(t, "(?") {
				group, isGroup, err := p.perlFlags()
				if err != nil {
					return nil, err
				}
				if !isGroup {
					break // a flag setting: nothing to push
				}
				sub, err := p.group(depth, group)
				if err != nil {
					return nil, err
				}
				seq = append(seq, sub)
				break
			}
			p.t = t[1:]
			sub, err := p.group(depth, p.flags)
			if err != nil {
				return nil, err
			}
			seq = append(seq, sub)
		case '^':
			seq = append(seq, &node{kind: nAssert, assert: ifElse(p.flags.multiLine, beginLine, beginText)})
			p.t = t[1:]
		case '$':
			seq = append(seq, &node{kind: nAssert, assert: ifElse(p.flags.multiLine, endLine, endText)})
			p.t = t[1:]
		case '.':
			seq = append(seq, &node{kind: ifElse(p.flags.dotNL, nAny, nAnyNotNL)})
			p.t = t[1:]
		case '[':
			set, err := p.class()
			if err != nil {
				return nil, err
			}
			seq = append(seq, &node{kind: nClass, class: set})
		case '{':
			if _, _, _, ok := parseRepeat(t); !ok {
				// Not {n}, {n,} or {n,m}: a literal brace.
				seq = append(seq, p.literal('{'))
				p.t = t[1:]
				break
			}
			fallthrough
		case '*', '+', '?':
			min, max, counted := 0, -1, false
			size := 1
			switch t[0] {
			case '+':
				min = 1
			case '?':
				max = 1
			case '{':
				min, max, size, _ = parseRepeat(t)
				if min < 0 || min > maxRepeat || max > maxRepeat || max >= 0 && min > max {
					return nil, &patternError{"invalid repeat count", t[:size]}
				}
				counted = true
			}
			if len(t) > size && t[size] == '?' {
				size++ // non-greedy: the same language
			}
			if lastRepeat != "" {
				return nil, &patternError{"invalid nested repetition operator", lastRepeat + t[:size]}
			}
			if len(seq) == 0 {
				return nil, &patternError{"missing argument to repetition operator", t[:size]}
			}
			n := &node{kind: nRepeat, subs: []*node{seq[len(seq)-1]}, min: min, max: max, counted: counted}
			if counted && (min >= 2 || max >= 2) && !repeatFits(n, maxRepeat) {
				return nil, &patternError{"invalid repeat count", t[:size]}
			}
			seq[len(seq)-1] = n
			repeat = t[:size]
			p.t = t[size:]
		case '\\':
			n, err := p.escape()
			if err != nil {
				return nil, err
			}
			seq = append(seq, n...)
		default:
			r, size := utf8.DecodeRuneInString(t)
			seq = append(seq, p.literal(r))
			p.t = t[size:]
		}
		lastRepeat = repeat
	}
	alts = append(alts, concat(seq))
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &node{kind: nAlt, subs: alts}, nil
}

// group parses the inside of a group up to its ')', under flags, and
// restores the flags of before the group.
func (p *parser) group(depth int, inner flags) (*node, error) {
	outer := p.flags
	p.flags = inner
	sub, err := p.alternation(depth + 1)
	if err != nil {
		return nil, err
	}
	if p.t == "" {
		return nil, &patternError{"missing closing )", p.whole}
	}
	p.t = p.t[1:]
	p.flags = outer
	return sub, nil
}

// perlFlags parses what follows "(?": a named group (?P<name> or (?<name>,
// a flag setting (?i-s) or a group with flags (?i-s: ... ). For a group it
// returns the flags inside it and isGroup; a flag setting changes p.flags.
func (p *parser) perlFlags() (inner flags, isGroup bool, err error) {
	t := p.t
	if len(t) > 4 && t[2] == 'P' && t[3] == '<' || len(t) > 3 && t[2] == '<' {
		begin := 3
		if t[2] == 'P' {
			begin = 4
		}
		end := strings.IndexByte(t, '>')
		if end < 0 {
			return flags{}, false, &patternError{"invalid named capture", t}
		}
		if !isCaptureName(t[begin:end]) {
			return flags{}, false, &patternError{"invalid named capture", t[:end+1]}
		}
		p.t = t[end+1:]
		return p.flags, true, nil
	}
	f := p.flags
	set := true // false after '-'
	sawFlag := false
	for i, c := range t[2:] {
		switch c {
		case 'i', 'm', 's', 'U':
			switch c {
			case 'i':
				f.fold = set
			case 'm':
				f.multiLine = set
			case 's':
				f.dotNL = set
			}
			sawFlag = true
			continue
		case '-':
			if set {
				set, sawFlag = false, false
				continue
			}
		case ':', ')':
			if set || sawFlag {
				p.t = t[2+i+1:]
				if c == ')' {
					p.flags = f
					return flags{}, false, nil
				}
				return f, true, nil
			}
		}
		return flags{}, false, &patternError{"invalid or unsupported Perl syntax", t[:2+i+utf8.RuneLen(c)]}
	}
	return flags{}, false, &patternError{"invalid or unsupported Perl syntax", t}
}

func isCaptureName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if c != '_' && !isAlnum(c) {
			return false
		}
	}
	return true
}

// parseRepeat reads {n}, {n,} or {n,m} at the start of t: min, max (-1
// for no bound) and its length; ok is false for anything else. A number
// too large to read gives min -1.
func parseRepeat(t string) (min, max, size int, ok bool) {
	s := t[1:]
	var n int
	if min, n, ok = parseInt(s); !ok {
		return 0, 0, 0, false
	}
	s = s[n:]
	switch {
	case strings.HasPrefix(s, "}"):
		max = min
	case strings.HasPrefix(s, ",}"):
		max, s = -1, s[1:]
	case strings.HasPrefix(s, ","):
		if max, n, ok = parseInt(s[1:]); !ok {
			return 0, 0, 0, false
		}
		s = s[1+n:]
		if max < 0 {
			min = -1
		}
		if !strings.HasPrefix(s, "}") {
			return 0, 0, 0, false
		}
	default:
		return 0, 0, 0, false
	}
	return min, max, len(t) - len(s) + 1, true
}

// parseInt reads the decimal number at the start of s, without leading
// zeros, and its length; a number of more than eight digits' worth is -1.
func parseInt(s string) (n, size int, ok bool) {
	for size < len(s) && '0' <= s[size] && s[size] <= '9' {
		size++
	}
	if size == 0 || size >= 2 && s[0] == '0' {
		return 0, 0, false
	}
	for _, c := range s[:size] {
		if n >= 1e8 {
			return -1, size, true
		}
		n = n*10 + int(c-'0')
	}
	return n, size, true
}

// repeatFits reports whether the counted repetitions in n, nested, repeat
// what is inside them at most limit times.
func repeatFits(n *node, limit int) bool {
	if n.kind == nRepeat && n.counted {
		m := n.max
		if m == 0 {
			return true
		}
		if m < 0 {
			m = n.min
		}
		if m > limit {
			return false
		}
		if m > 0 {
			limit /= m
		}
	}
	for _, sub := range n.subs {
		if !repeatFits(sub, limit) {
			return false
		}
	}
	return true
}

func (p *parser) literal(r rune) *node {
	return &node{kind: nRune, r: r, fold: p.flags.fold}
}

// escape parses a backslash sequence outside a class: an assertion, \Q...\E
// (any number of literal runes), a Perl class or one escaped rune.
func (p *parser) escape() ([]*node, error) {
	t := p.t
	if len(t) >= 2 {
		switch t[1] {
		case 'A':
			return p.assertion(beginText), nil
		case 'z':
			return p.assertion(endText), nil
		case 'b':
			return p.assertion(wordBoundary), nil
		case 'B':
			return p.assertion(noWordBoundary), nil
		case 'C':
			return nil, &patternError{"invalid escape sequence", t[:2]}
		case 'Q':
			lit, rest, _ := strings.Cut(t[2:], `\E`)
			p.t = rest
			var ns []*node
			for _, r := range lit {
				ns = append(ns, p.literal(r))
			}
			return ns, nil
		case 'p', 'P':
			return nil, unicodeClassError(t)
		}
		if g, ok := perlClass(t[1]); ok {
			p.t = t[2:]
			set := &runeSet{fold: p.flags.fold}
			set.add(g)
			return []*node{{kind: nClass, class: set}}, nil
		}
	}
	r, rest, err := parseEscape(t)
	if err != nil {
		return nil, err
	}
	p.t = rest
	return []*node{p.literal(r)}, nil
}

// assertion is the node of a two-byte assertion \A, \z, \b or \B.
func (p *parser) assertion(a assertion) []*node {
	p.t = p.t[2:]
	return []*node{{kind: nAssert, assert: a}}
}

func unicodeClassError(t string) error {
	end := 2
	if len(t) > 2 {
		if t[2] == '{' {
			if i := strings.IndexByte(t, '}'); i > 0 {
				end = i + 1
			}
		} else {
			_, size := utf8.DecodeRuneInString(t[2:])
			end += size
		}
	}
	return &patternError{"Unicode classes (\\p and \\P) are not supported in explanation rules; write the characters as a class, such as [一-鿿] for Chinese", t[:end]}
}

// parseEscape reads the one rune a backslash sequence at the start of t
// stands for: an escaped punctuation character, an octal \123, a hex \x7F
// or \x{10FFFF}, or one of \a \f \n \r \t \v.
func parseEscape(t string) (r rune, rest string, err error) {
	if len(t) < 2 {
		return 0, "", &patternError{what: "trailing backslash at end of expression"}
	}
	c, size := utf8.DecodeRuneInString(t[1:])
	s := t[1+size:]
	bad := func() (rune, string, error) {
		return 0, "", &patternError{"invalid escape sequence", t[:len(t)-len(s)]}
	}
	switch {
	case c < utf8.RuneSelf && !isAlnum(c):
		return c, s, nil
	case '1' <= c && c <= '7' && (s == "" || s[0] < '0' || s[0] > '7'):
		return bad() // a backreference
	case '0' <= c && c <= '7':
		r = c - '0'
		for i := 1; i < 3 && s != "" && '0' <= s[0] && s[0] <= '7'; i++ {
			r = r*8 + rune(s[0]-'0')
			s = s[1:]
		}
		return r, s, nil
	case c == 'x':
		if s == "" {
			return bad()
		}
		if s[0] == '{' {
			end := strings.IndexByte(s, '}')
			if end < 0 {
				s = ""
				return bad()
			}
			digits := s[1:end]
			if digits == "" {
				s = s[1:]
				return bad()
			}
			for i, d := range digits {
				v := unhex(d)
				r = r*16 + v
				if v < 0 || r > unicode.MaxRune {
					s = s[1+i+utf8.RuneLen(d):]
					return bad()
				}
			}
			return r, s[end+1:], nil
		}
		x, xs := utf8.DecodeRuneInString(s)
		y, ys := utf8.DecodeRuneInString(s[xs:])
		if ys == 0 || unhex(x) < 0 || unhex(y) < 0 {
			s = s[xs+ys:]
			return bad()
		}
		return unhex(x)*16 + unhex(y), s[xs+ys:], nil
	}
	switch c {
	case 'a':
		return '\a', s, nil
	case 'f':
		return '\f', s, nil
	case 'n':
		return '\n', s, nil
	case 'r':
		return '\r', s, nil
	case 't':
		return '\t', s, nil
	case 'v':
		return '\v', s, nil
	}
	return bad()
}

func isAlnum(c rune) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}

func unhex(c rune) rune {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return -1
}

// class parses a bracketed class [...] at the start of p.t.
func (p *parser) class() (*runeSet, error) {
	whole := p.t
	t := whole[1:]
	set := &runeSet{fold: p.flags.fold}
	if strings.HasPrefix(t, "^") {
		set.negated = true
		t = t[1:]
	}
	for first := true; t == "" || t[0] != ']' || first; first = false {
		// A POSIX class [:alpha:]; "[:" without a ":]" after it is two runes.
		if len(t) > 2 && t[0] == '[' && t[1] == ':' {
			if i := strings.Index(t[2:], ":]"); i >= 0 {
				name := t[:i+4]
				g, ok := posixClass(name)
				if !ok {
					return nil, &patternError{"invalid character class range", name}
				}
				set.add(g)
				t = t[len(name):]
				continue
			}
		}
		if len(t) >= 2 && t[0] == '\\' {
			if t[1] == 'p' || t[1] == 'P' {
				return nil, unicodeClassError(t)
			}
			if g, ok := perlClass(t[1]); ok {
				set.add(g)
				t = t[2:]
				continue
			}
		}
		rng := t
		lo, rest, err := p.classRune(t, whole)
		if err != nil {
			return nil, err
		}
		t = rest
		hi := lo
		if len(t) >= 2 && t[0] == '-' && t[1] != ']' { // [a-] is a and -
			if hi, t, err = p.classRune(t[1:], whole); err != nil {
				return nil, err
			}
			if hi < lo {
				return nil, &patternError{"invalid character class range", rng[:len(rng)-len(t)]}
			}
		}
		set.add(runeGroup{ranges: []rune{lo, hi}})
	}
	p.t = t[1:]
	return set, nil
}

func (p *parser) classRune(t, whole string) (rune, string, error) {
	switch {
	case t == "":
		return 0, "", &patternError{"missing closing ]", whole}
	case t[0] == '\\':
		return parseEscape(t)
	}
	r, size := utf8.DecodeRuneInString(t)
	return r, t[size:], nil
}

func concat(seq []*node) *node {
	switch len(seq) {
	case 0:
		return &node{kind: nEmpty}
	case 1:
		return seq[0]
	}
	return &node{kind: nConcat, subs: seq}
}

func ifElse[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

// Classes.

// A runeGroup is ranges of runes (pairs lo, hi, inclusive) or, negated,
// every rune outside them.
type runeGroup struct {
	ranges  []rune
	negated bool
}

// A runeSet is the union of groups, negated if negated. With fold it is
// closed under case folding as Go builds it: each group is folded before
// it is negated, and so is the union, so a rune belongs to a group when any
// rune of its folding orbit lies in the group's ranges.
type runeSet struct {
	groups  []runeGroup
	negated bool
	fold    bool
}

func (s *runeSet) add(g runeGroup) { s.groups = append(s.groups, g) }

func (s *runeSet) has(r rune) bool {
	for _, g := range s.groups {
		in := inRanges(g.ranges, r)
		if s.fold {
			for f := unicode.SimpleFold(r); !in && f != r; f = unicode.SimpleFold(f) {
				in = inRanges(g.ranges, f)
			}
		}
		if in != g.negated {
			return !s.negated
		}
	}
	return s.negated
}

func inRanges(ranges []rune, r rune) bool {
	for i := 0; i < len(ranges); i += 2 {
		if ranges[i] <= r && r <= ranges[i+1] {
			return true
		}
	}
	return false
}

// perlClass is the class \d, \s or \w (ASCII only, as in Go) or their
// negations \D, \S, \W that c names.
func perlClass(c byte) (runeGroup, bool) {
	var g runeGroup
	switch c | 0x20 { // lower case
	case 'd':
		g.ranges = []rune{'0', '9'}
	case 's':
		g.ranges = []rune{'\t', '\n', '\f', '\r', ' ', ' '}
	case 'w':
		g.ranges = []rune{'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}
	default:
		return g, false
	}
	g.negated = c < 'a'
	return g, true
}

// posixClass is the class [:name:] or its negation [:^name:] (ASCII, as in
// Go) that the bracketed name is.
func posixClass(name string) (runeGroup, bool) {
	var g runeGroup
	name = strings.TrimSuffix(strings.TrimPrefix(name, "[:"), ":]")
	name, g.negated = strings.CutPrefix(name, "^")
	switch name {
	case "alnum":
		g.ranges = []rune{'0', '9', 'A', 'Z', 'a', 'z'}
	case "alpha":
		g.ranges = []rune{'A', 'Z', 'a', 'z'}
	case "ascii":
		g.ranges = []rune{0, 0x7f}
	case "blank":
		g.ranges = []rune{'\t', '\t', ' ', ' '}
	case "cntrl":
		g.ranges = []rune{0, 0x1f, 0x7f, 0x7f}
	case "digit":
		g.ranges = []rune{'0', '9'}
	case "graph":
		g.ranges = []rune{'!', '~'}
	case "lower":
		g.ranges = []rune{'a', 'z'}
	case "print":
		g.ranges = []rune{' ', '~'}
	case "punct":
		g.ranges = []rune{'!', '/', ':', '@', '[', '`', '{', '~'}
	case "space":
		g.ranges = []rune{'\t', '\r', ' ', ' '}
	case "upper":
		g.ranges = []rune{'A', 'Z'}
	case "word":
		g.ranges = []rune{'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}
	case "xdigit":
		g.ranges = []rune{'0', '9', 'A', 'F', 'a', 'f'}
	default:
		return g, false
	}
	return g, true
}

// The compiler.

type compiler struct {
	prog []inst
}

func (c *compiler) emit(i inst) int {
	c.prog = append(c.prog, i)
	return len(c.prog) - 1
}

// compile adds the states of n, which go on to next when n has matched,
// and returns the state n starts at.
func (c *compiler) compile(n *node, next int) (int, error) {
	if len(c.prog) > maxInsts {
		return 0, &patternError{what: "expression too large"}
	}
	switch n.kind {
	case nEmpty:
		return next, nil
	case nRune:
		fold := n.fold && unicode.SimpleFold(n.r) != n.r
		return c.emit(inst{op: nfaRune, r: n.r, fold: fold, out: next}), nil
	case nClass:
		return c.emit(inst{op: nfaClass, class: n.class, out: next}), nil
	case nAny:
		return c.emit(inst{op: nfaAny, out: next}), nil
	case nAnyNotNL:
		return c.emit(inst{op: nfaAnyNotNL, out: next}), nil
	case nAssert:
		return c.emit(inst{op: nfaAssert, assert: n.assert, out: next}), nil
	case nConcat:
		var err error
		for i := len(n.subs) - 1; i >= 0 && err == nil; i-- {
			next, err = c.compile(n.subs[i], next)
		}
		return next, err
	case nAlt:
		start, err := c.compile(n.subs[len(n.subs)-1], next)
		for i := len(n.subs) - 2; i >= 0 && err == nil; i-- {
			var first int
			first, err = c.compile(n.subs[i], next)
			start = c.emit(inst{op: nfaSplit, out: first, out1: start})
		}
		return start, err
	case nRepeat:
		return c.repeat(n.subs[0], n.min, n.max, next)
	}
	panic("gec: unknown pattern node")
}

// repeat compiles sub{min,max}: min copies of sub, then max-min optional
// ones, each inside the one before (x{1,3} is x(x(x)?)?), or for no max a
// loop (x{2,} is x then x+).
func (c *compiler) repeat(sub *node, min, max, next int) (int, error) {
	var err error
	if max < 0 {
		loop := c.emit(inst{op: nfaSplit, out1: next})
		var body int
		body, err = c.compile(sub, loop)
		c.prog[loop].out = body
		next = loop
		if min > 0 {
			next, min = body, min-1 // the loop's body is the last required copy
		}
	}
	for i := min; i < max && err == nil; i++ {
		var body int
		body, err = c.compile(sub, next)
		next = c.emit(inst{op: nfaSplit, out: body, out1: next})
	}
	for ; min > 0 && err == nil; min-- {
		next, err = c.compile(sub, next)
	}
	return next, err
}

// Matching.

// MatchString reports whether the pattern matches anywhere in s.
func (p *pattern) MatchString(s string) bool {
	m := matcher{p: p, states: newStateSet(len(p.prog))}
	var arrived []int // the states reached by reading the last rune
	prev := rune(-1)
	for i := 0; ; {
		r, size := rune(-1), 0
		if i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		m.states.clear()
		for _, pc := range arrived {
			if m.add(pc, prev, r) {
				return true
			}
		}
		if m.add(p.start, prev, r) { // a match may start anywhere
			return true
		}
		if r < 0 {
			return false
		}
		arrived = arrived[:0]
		for _, pc := range m.states.dense {
			if in := &p.prog[pc]; in.reads(r) {
				arrived = append(arrived, in.out)
			}
		}
		prev, i = r, i+size
	}
}

// A matcher holds the states of one position of the text.
type matcher struct {
	p      *pattern
	states *stateSet
	stack  []int
}

// add puts pc and every state reachable from it without reading into the
// states of a position between the runes before and after (-1 at either
// end of the text), and reports whether that reaches the match.
func (m *matcher) add(pc int, before, after rune) bool {
	m.stack = append(m.stack[:0], pc)
	for len(m.stack) > 0 {
		pc = m.stack[len(m.stack)-1]
		m.stack = m.stack[:len(m.stack)-1]
		if !m.states.insert(pc) {
			continue
		}
		switch in := &m.p.prog[pc]; in.op {
		case nfaMatch:
			return true
		case nfaSplit:
			m.stack = append(m.stack, in.out1, in.out)
		case nfaAssert:
			if in.assert.holds(before, after) {
				m.stack = append(m.stack, in.out)
			}
		}
	}
	return false
}

func (in *inst) reads(r rune) bool {
	switch in.op {
	case nfaRune:
		if r == in.r {
			return true
		}
		if in.fold {
			for f := unicode.SimpleFold(in.r); f != in.r; f = unicode.SimpleFold(f) {
				if r == f {
					return true
				}
			}
		}
		return false
	case nfaClass:
		return in.class.has(r)
	case nfaAny:
		return true
	case nfaAnyNotNL:
		return r != '\n'
	}
	return false
}

func (a assertion) holds(before, after rune) bool {
	switch a {
	case beginText:
		return before < 0
	case endText:
		return after < 0
	case beginLine:
		return before < 0 || before == '\n'
	case endLine:
		return after < 0 || after == '\n'
	case wordBoundary:
		return isWordRuneASCII(before) != isWordRuneASCII(after)
	case noWordBoundary:
		return isWordRuneASCII(before) == isWordRuneASCII(after)
	}
	return false
}

// isWordRuneASCII is \w: Go's word boundaries are ASCII.
func isWordRuneASCII(r rune) bool {
	return r == '_' || isAlnum(r)
}

// A stateSet is a set of NFA states that clears in constant time.
type stateSet struct {
	dense  []int
	sparse []int
}

func newStateSet(n int) *stateSet {
	return &stateSet{dense: make([]int, 0, n), sparse: make([]int, n)}
}

func (s *stateSet) clear() { s.dense = s.dense[:0] }

// insert adds pc and reports whether it was not in the set.
func (s *stateSet) insert(pc int) bool {
	if i := s.sparse[pc]; i < len(s.dense) && s.dense[i] == pc {
		return false
	}
	s.sparse[pc] = len(s.dense)
	s.dense = append(s.dense, pc)
	return true
}
