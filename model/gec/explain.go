package gec

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// ExplanationsVersion is the version of the explanation file format.
const ExplanationsVersion = 1

// maxExplanationsFile bounds what LoadExplanations reads: a teacher's file
// is a few hundred rules, and a runaway file should not fill the memory.
const maxExplanationsFile = 4 << 20

// ExplanationFile is the JSON a teacher edits (data/explain/*.json).
type ExplanationFile struct {
	Version int    `json:"version"`
	Course  string `json:"course,omitempty"`
	Rules   []Rule `json:"rules"`
}

// Rule explains the edits it matches. Type is required; every other
// matcher is optional and narrows the rule:
//
//   - From and To: the learner's words and the correction, compared without
//     regard to case after the words both share are taken off ("Bad" ->
//     "A bad" compares "" with "a"); "" means nothing (a missing or an extra
//     word).
//   - FromPattern, ToPattern: regular expressions (Go syntax, without the
//     Unicode classes \p and \P) on the same.
//   - Before, After: regular expressions on the learner's text before and
//     after those words; Sentence: on the learner's whole sentence.
//   - Repeated: the learner's words repeat the word next to them ("the the").
//
// Among the rules of an edit's type that match, the most specific wins:
// an exact From or To counts 4, a context (Before, After, Sentence,
// Repeated) 2 and a word pattern 1, because a pattern may be as loose as
// "."; ties go to the rule that comes first. Each type has one fallback
// rule with no matchers. Zh and En may say {from} and {to} when the rule
// pins them down (From/FromPattern, To/ToPattern), so they are never empty.
type Rule struct {
	Type        string  `json:"type"`
	From        *string `json:"from,omitempty"`
	To          *string `json:"to,omitempty"`
	FromPattern string  `json:"from_pattern,omitempty"`
	ToPattern   string  `json:"to_pattern,omitempty"`
	Before      string  `json:"before,omitempty"`
	After       string  `json:"after,omitempty"`
	Sentence    string  `json:"sentence,omitempty"`
	Repeated    bool    `json:"repeated,omitempty"`
	Zh          string  `json:"zh"`
	En          string  `json:"en"`
	Example     Sample  `json:"example"`
}

// Sample is a rule's example: a learner's sentence and its correction.
type Sample struct {
	Wrong string `json:"wrong"`
	Right string `json:"right"`
}

// compiledRule is a rule with its patterns compiled.
type compiledRule struct {
	Rule
	index                                       int
	fromRe, toRe, beforeRe, afterRe, sentenceRe *pattern
}

// Explainer picks the explanation of an edit.
type Explainer struct {
	byType map[string][]compiledRule
}

// LoadExplanations reads and checks an explanation file. Errors name the
// rule (counting from 0, as in the file) and the field.
func LoadExplanations(r io.Reader) (*Explainer, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxExplanationsFile+1))
	if err != nil {
		return nil, fmt.Errorf("explanations: %w", err)
	}
	if len(data) > maxExplanationsFile {
		return nil, fmt.Errorf("explanations: the file is over %d MB; split it or shorten it", maxExplanationsFile>>20)
	}
	var f ExplanationFile
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("explanations: %w (the file is {\"version\": 1, \"rules\": [...]})", err)
	}
	if dec.More() {
		return nil, errors.New("explanations: text after the JSON object; the file holds one object")
	}
	if f.Version != ExplanationsVersion {
		return nil, fmt.Errorf("explanations: \"version\" is %d; this tutor reads version %d", f.Version, ExplanationsVersion)
	}
	x := &Explainer{byType: map[string][]compiledRule{}}
	fallback := map[string]int{}
	for i, r := range f.Rules {
		c, err := compileRule(i, r)
		if err != nil {
			return nil, err
		}
		if c.Fallback() {
			if j, ok := fallback[r.Type]; ok {
				return nil, fmt.Errorf("explanations: rule %d is a second fallback (no matchers) for %q; rule %d already is; give it a matcher or remove it", i, r.Type, j)
			}
			fallback[r.Type] = i
		}
		for _, other := range x.byType[r.Type] {
			if sameMatchers(other.Rule, r) {
				return nil, fmt.Errorf("explanations: rule %d matches exactly what rule %d matches, so it would never be used; change its matchers or remove it", i, other.index)
			}
		}
		x.byType[r.Type] = append(x.byType[r.Type], c)
	}
	for _, t := range Types {
		if _, ok := fallback[t]; !ok {
			return nil, fmt.Errorf("explanations: no fallback rule for %q; add {\"type\": %q, \"zh\": ..., \"en\": ..., \"example\": ...} with no matchers", t, t)
		}
	}
	return x, nil
}

// compileRule checks rule i and compiles its patterns.
func compileRule(i int, r Rule) (compiledRule, error) {
	fail := func(field, format string, args ...any) (compiledRule, error) {
		return compiledRule{}, fmt.Errorf("explanations: rule %d, %q: %s", i, field, fmt.Sprintf(format, args...))
	}
	if !IsType(r.Type) {
		return fail("type", "%q is not an error type; use one of %s", r.Type, strings.Join(Types, ", "))
	}
	c := compiledRule{Rule: r, index: i}
	for _, p := range []struct {
		field, expr string
		re          **pattern
	}{
		{"from_pattern", r.FromPattern, &c.fromRe}, {"to_pattern", r.ToPattern, &c.toRe},
		{"before", r.Before, &c.beforeRe}, {"after", r.After, &c.afterRe}, {"sentence", r.Sentence, &c.sentenceRe},
	} {
		if p.expr == "" {
			continue
		}
		re, err := compilePattern(p.expr)
		if err != nil {
			return fail(p.field, "not a regular expression: %v", err)
		}
		*p.re = re
	}
	for _, t := range []struct{ field, text string }{{"zh", r.Zh}, {"en", r.En}} {
		if strings.TrimSpace(t.text) == "" {
			return fail(t.field, "the explanation is empty")
		}
		for _, ph := range placeholders(t.text) {
			switch {
			case ph == "{from}" && r.From == nil && r.FromPattern == "":
				return fail(t.field, "says {from}, but the rule sets neither \"from\" nor \"from_pattern\", so the learner's words may be empty; match them first")
			case ph == "{to}" && r.To == nil && r.ToPattern == "":
				return fail(t.field, "says {to}, but the rule sets neither \"to\" nor \"to_pattern\", so the correction may be empty; match it first")
			case ph == "{from}" && *orEmpty(r.From) == "" && r.FromPattern == "":
				return fail(t.field, "says {from}, but \"from\" is \"\" (nothing)")
			case ph == "{to}" && *orEmpty(r.To) == "" && r.ToPattern == "":
				return fail(t.field, "says {to}, but \"to\" is \"\" (nothing)")
			case ph != "{from}" && ph != "{to}":
				return fail(t.field, "%s is not a placeholder; use {from} or {to}", ph)
			}
		}
	}
	if !hasHan(r.Zh) {
		return fail("zh", "has no Chinese characters; write the explanation in Simplified Chinese")
	}
	if hasHan(r.En) {
		return fail("en", "has Chinese characters; write the English explanation in English")
	}
	if strings.TrimSpace(r.Example.Wrong) == "" || strings.TrimSpace(r.Example.Right) == "" {
		return fail("example", "needs both \"wrong\" and \"right\" sentences")
	}
	if r.Example.Wrong == r.Example.Right {
		return fail("example", "\"wrong\" and \"right\" are the same sentence")
	}
	return c, nil
}

// placeholders are the {...} in an explanation: every "{" and the "}"
// after it with no brace between, left to right.
func placeholders(text string) []string {
	var found []string
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			return found
		}
		text = text[open:]
		end := strings.IndexAny(text[1:], "{}")
		if end < 0 {
			return found
		}
		if text[1+end] == '}' {
			found = append(found, text[:end+2])
		}
		text = text[1+end:]
	}
}

var emptyString = ""

func orEmpty(s *string) *string {
	if s == nil {
		return &emptyString
	}
	return s
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func sameMatchers(a, b Rule) bool {
	eq := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || strings.EqualFold(*x, *y)) }
	return eq(a.From, b.From) && eq(a.To, b.To) && a.FromPattern == b.FromPattern && a.ToPattern == b.ToPattern &&
		a.Before == b.Before && a.After == b.After && a.Sentence == b.Sentence && a.Repeated == b.Repeated
}

// specificity is how narrowly a rule matches: the ranking among rules
// that all match one edit.
func (r Rule) specificity() int {
	weights := []struct {
		set    bool
		weight int
	}{
		{r.From != nil, 4}, {r.To != nil, 4},
		{r.Before != "", 2}, {r.After != "", 2}, {r.Sentence != "", 2}, {r.Repeated, 2},
		{r.FromPattern != "", 1}, {r.ToPattern != "", 1},
	}
	n := 0
	for _, w := range weights {
		if w.set {
			n += w.weight
		}
	}
	return n
}

// Fallback says whether r is its type's fallback rule (no matchers): what
// explains an edit no specific rule fits.
func (r Rule) Fallback() bool { return r.specificity() == 0 }

// editView is an edit as rules see it.
type editView struct {
	from, to      string // the differing words of the learner's text and the correction
	before, after string // the learner's text around from
	sentence      string
	repeated      bool
}

// viewOf takes the words an edit's two sides share off its ends, so that
// "Bad" -> "A bad" is seen as a missing "a" before "Bad".
func viewOf(e Edit, corrupted string) editView {
	runes := []rune(corrupted)
	start, end := max(0, min(e.Start, len(runes))), max(0, min(e.End, len(runes)))
	if end < start {
		start, end = end, start
	}
	span := string(runes[start:end])
	fw, tw := strings.Fields(span), strings.Fields(e.Replacement)
	pre := 0
	for pre < len(fw) && pre < len(tw) && strings.EqualFold(fw[pre], tw[pre]) {
		pre++
	}
	suf := 0
	for suf < len(fw)-pre && suf < len(tw)-pre && strings.EqualFold(fw[len(fw)-1-suf], tw[len(tw)-1-suf]) {
		suf++
	}
	v := editView{before: string(runes[:start]), after: string(runes[end:]), sentence: corrupted}
	if pre+suf == len(fw) && pre+suf == len(tw) {
		// Only the case differs ("i" -> "I"): the whole span is the change.
		v.from, v.to = strings.TrimSpace(span), strings.TrimSpace(e.Replacement)
	} else {
		v.from = strings.Join(fw[pre:len(fw)-suf], " ")
		v.to = strings.Join(tw[pre:len(tw)-suf], " ")
		v.before += strings.Join(fw[:pre], " ")
		if pre > 0 {
			v.before += " "
		}
		if suf > 0 {
			v.after = " " + strings.Join(fw[len(fw)-suf:], " ") + v.after
		}
	}
	v.repeated = v.from != "" && v.to == "" && (strings.EqualFold(lastField(v.before), v.from) || strings.EqualFold(firstField(v.after), v.from))
	return v
}

func lastField(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

func firstField(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func (c compiledRule) matches(v editView) bool {
	switch {
	case c.From != nil && !strings.EqualFold(*c.From, v.from),
		c.To != nil && !strings.EqualFold(*c.To, v.to),
		c.fromRe != nil && !c.fromRe.MatchString(v.from),
		c.toRe != nil && !c.toRe.MatchString(v.to),
		c.beforeRe != nil && !c.beforeRe.MatchString(v.before),
		c.afterRe != nil && !c.afterRe.MatchString(v.after),
		c.sentenceRe != nil && !c.sentenceRe.MatchString(v.sentence),
		c.Repeated && !v.repeated:
		return false
	}
	return true
}

// Match returns the rule that explains an edit of corrupted, and false
// when the edit's type has no rules.
func (x *Explainer) Match(e Edit, corrupted string) (Rule, bool) {
	v := viewOf(e, corrupted)
	best, bestScore := -1, -1
	rules := x.byType[e.Type]
	for i, c := range rules {
		if s := c.specificity(); s > bestScore && c.matches(v) {
			best, bestScore = i, s
		}
	}
	if best < 0 {
		return Rule{}, false
	}
	r := rules[best].Rule
	r.Zh = fill(r.Zh, v)
	r.En = fill(r.En, v)
	return r, true
}

// fill puts the edit's words in for {from} and {to}, left to right; a
// brace that starts neither stays.
func fill(text string, v editView) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		text = text[i:]
		switch {
		case strings.HasPrefix(text, "{from}"):
			b.WriteString(v.from)
			text = text[len("{from}"):]
		case strings.HasPrefix(text, "{to}"):
			b.WriteString(v.to)
			text = text[len("{to}"):]
		default:
			b.WriteByte('{')
			text = text[1:]
		}
	}
}

// Explain returns the explanation of an edit in Simplified Chinese and in
// English, each ending with the rule's example.
func (x *Explainer) Explain(e Edit, corrupted string) (zh, en string) {
	r, ok := x.Match(e, corrupted)
	if !ok {
		return "这里有错误。", "Something is wrong here."
	}
	example := r.Example.Wrong + " → " + r.Example.Right
	return r.Zh + " 例：" + example, r.En + " Example: " + example
}
