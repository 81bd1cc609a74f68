package course

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Limits on a pack, so that a hostile or broken pack cannot exhaust the
// memory of the server or of a phone that imports it. The starter packs use
// a small fraction of each.
const (
	MaxPackBytes   = 32 << 20 // bytes of JSON Decode reads before giving up
	MaxUnits       = 1000
	MaxLessons     = 5000  // in the whole pack
	MaxItems       = 20000 // in the whole pack
	MaxStringRunes = 2000  // any one string: a title, a prompt, an answer
	MaxListLen     = 100   // answers, choices, tokens or skills of one item
	MaxReported    = 500   // validation problems listed before "and N more"
)

// Levels are the values an item's Level may take: CEFR levels for European
// languages and HSK 2.0 levels for Chinese.
var Levels = []string{"A1", "A2", "B1", "B2", "C1", "C2", "HSK1", "HSK2", "HSK3", "HSK4", "HSK5", "HSK6"}

// EstimatedLevels are the values an item's EstimatedLevel may take when it
// is present: the CEFR-like levels of model/difficulty.
var EstimatedLevels = []string{"A1", "A2", "B1", "B2", "C1", "C2"}

// Kinds are the values an item's Kind may take.
var Kinds = []string{KindVocab, KindCloze, KindTranslate, KindChoice, KindOrder}

// Gap is the marker a cloze prompt puts where the answer goes.
const Gap = "___"

// FieldError is one problem in a pack: where (Path, e.g. `unit "u3" /
// lesson "l2" / item "en-cloze-17"`), which JSON field, and what is wrong.
type FieldError struct {
	Path    string `json:"path"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e FieldError) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	b.WriteString(e.Message)
	return b.String()
}

// ValidationErrors lists every problem found in a pack (up to MaxReported,
// then one entry saying how many more there were).
type ValidationErrors []FieldError

func (v ValidationErrors) Error() string {
	lines := make([]string, len(v))
	for i, e := range v {
		lines[i] = e.Error()
	}
	return fmt.Sprintf("content pack has %d problem(s):\n%s", len(v), strings.Join(lines, "\n"))
}

// Decode reads one pack as strict JSON (unknown fields, trailing data and
// more than MaxPackBytes are errors) and validates it. A pack that does not
// validate is returned as the zero Pack together with ValidationErrors, so a
// caller cannot import half of it by mistake.
func Decode(r io.Reader) (Pack, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPackBytes+1))
	if err != nil {
		return Pack{}, fmt.Errorf("reading content pack: %w", err)
	}
	if len(data) > MaxPackBytes {
		return Pack{}, ValidationErrors{{Message: fmt.Sprintf(
			"content pack is larger than %d MiB; split the course into smaller packs", MaxPackBytes>>20)}}
	}
	var p Pack
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Pack{}, ValidationErrors{{Message: describeJSONError(err, data)}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return Pack{}, ValidationErrors{{Message: "content pack has data after its closing brace; a pack file holds exactly one JSON object"}}
	}
	if err := p.Validate(); err != nil {
		return Pack{}, err
	}
	p.dropEmptyLists()
	return p, nil
}

// dropEmptyLists turns "choices": [] and "tokens": [] into absent lists, the
// form Encode writes, so a decoded pack equals itself after a round trip.
func (p *Pack) dropEmptyLists() {
	for i := range p.Course.Units {
		for j := range p.Course.Units[i].Lessons {
			items := p.Course.Units[i].Lessons[j].Items
			for k := range items {
				if len(items[k].Choices) == 0 {
					items[k].Choices = nil
				}
				if len(items[k].Tokens) == 0 {
					items[k].Tokens = nil
				}
			}
		}
	}
}

// describeJSONError turns a decoding error into a message that says where
// the problem is (line and column) and what to do.
func describeJSONError(err error, data []byte) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		line, col := position(data, syntax.Offset)
		return fmt.Sprintf("content pack is not valid JSON at line %d, column %d: %v", line, col, syntax)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		return fmt.Sprintf("content pack field %q at line %d, column %d must be a %s, not a JSON %s",
			typ.Field, line, col, typ.Type, typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "content pack is empty or cut short; it must be one complete JSON object"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Sprintf("content pack has an %s; check the spelling against schema %s",
			strings.TrimPrefix(err.Error(), "json: "), SchemaVersion)
	default:
		return "content pack could not be read: " + err.Error()
	}
}

// position gives the line and column of the last byte the decoder read
// (its offset counts the bytes read, up to and including the bad one).
func position(data []byte, offset int64) (line, col int) {
	offset = max(0, min(offset-1, int64(len(data))))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// Validate checks the whole pack and returns ValidationErrors naming every
// problem with the unit, lesson and item id and the field, or nil.
func (p *Pack) Validate() error {
	v := validator{ids: map[string]string{}}
	v.pack(p)
	if len(v.errs) == 0 {
		return nil
	}
	if v.dropped > 0 {
		v.errs = append(v.errs, FieldError{Message: fmt.Sprintf("and %d more problem(s) not listed", v.dropped)})
	}
	return v.errs
}

// validator collects problems while walking a pack.
type validator struct {
	errs    ValidationErrors
	dropped int
	ids     map[string]string // id → path where it was first used
	lessons int
	items   int
}

func (v *validator) add(path, field, format string, args ...any) {
	if len(v.errs) >= MaxReported {
		v.dropped++
		return
	}
	v.errs = append(v.errs, FieldError{Path: path, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) pack(p *Pack) {
	if p.Schema != SchemaVersion {
		v.add("", "schema", "is %q; this version of Tutor reads %q (re-export the pack or fix the schema line)",
			clip(p.Schema), SchemaVersion)
	}
	c := &p.Course
	path := fmt.Sprintf("course %q", clip(c.ID))
	v.id(path, "id", c.ID)
	v.text(path, "title", c.Title, true)
	v.lang(path, "target_lang", c.TargetLang)
	v.lang(path, "source_lang", c.SourceLang)
	v.text(path, "description", c.Description, false)
	if len(c.Units) == 0 {
		v.add(path, "units", "a course needs at least one unit")
	}
	if len(c.Units) > MaxUnits {
		v.add(path, "units", "has %d units; at most %d are allowed", len(c.Units), MaxUnits)
		return
	}
	for i := range c.Units {
		v.unit(i, &c.Units[i])
	}
}

func (v *validator) unit(i int, u *Unit) {
	path := label("unit", i, u.ID)
	v.id(path, "id", u.ID)
	v.text(path, "title", u.Title, true)
	if len(u.Lessons) == 0 {
		v.add(path, "lessons", "a unit needs at least one lesson")
	}
	for j := range u.Lessons {
		v.lessons++
		if v.lessons > MaxLessons {
			v.add(path, "lessons", "the pack has more than %d lessons; split it into smaller packs", MaxLessons)
			return
		}
		v.lesson(path, j, &u.Lessons[j])
	}
}

func (v *validator) lesson(parent string, j int, l *Lesson) {
	path := parent + " / " + label("lesson", j, l.ID)
	v.id(path, "id", l.ID)
	v.text(path, "title", l.Title, true)
	if len(l.Items) == 0 {
		v.add(path, "items", "a lesson needs at least one item")
	}
	for k := range l.Items {
		v.items++
		if v.items > MaxItems {
			v.add(path, "items", "the pack has more than %d items; split it into smaller packs", MaxItems)
			return
		}
		v.item(path+" / "+label("item", k, l.Items[k].ID), &l.Items[k])
	}
}

func (v *validator) item(path string, it *Item) {
	v.id(path, "id", it.ID)
	if !contains(Kinds, it.Kind) {
		v.add(path, "kind", "is %q; use one of %s", clip(it.Kind), strings.Join(Kinds, ", "))
	}
	if !contains(Levels, it.Level) {
		v.add(path, "level", "is %q; use one of %s", clip(it.Level), strings.Join(Levels, ", "))
	}
	if it.EstimatedLevel != "" && !contains(EstimatedLevels, it.EstimatedLevel) {
		v.add(path, "estimated_level", "is %q; use one of %s, or leave it out", clip(it.EstimatedLevel), strings.Join(EstimatedLevels, ", "))
	}
	v.list(path, "skills", it.Skills, "an item needs at least one skill tag (e.g. \"vocabulary\")")
	v.text(path, "prompt", it.Prompt, true)
	v.list(path, "answers", it.Answers, "a"+kindName(it.Kind)+" item needs at least one answer")
	for _, f := range []struct{ name, value string }{
		{"hint", it.Hint}, {"word", it.Word}, {"reading", it.Reading}, {"gloss", it.Gloss},
		{"example", it.Example}, {"example_gloss", it.ExampleGloss},
	} {
		v.text(path, f.name, f.value, false)
	}
	v.strings(path, "choices", it.Choices)
	v.strings(path, "tokens", it.Tokens)
	switch it.Kind {
	case KindCloze:
		if !strings.Contains(it.Prompt, Gap) {
			v.add(path, "prompt", "a cloze prompt must mark the gap with %q", Gap)
		}
	case KindChoice:
		v.choice(path, it)
	case KindOrder:
		v.order(path, it)
	}
}

func (v *validator) choice(path string, it *Item) {
	if len(it.Choices) < 2 {
		v.add(path, "choices", "a choice item needs at least 2 choices, has %d", len(it.Choices))
		return
	}
	if len(it.Answers) > 0 && !contains(it.Choices, it.Answers[0]) {
		v.add(path, "answers", "the first answer %q must be one of the choices", clip(it.Answers[0]))
	}
	seen := map[string]bool{}
	for _, c := range it.Choices {
		if seen[c] {
			v.add(path, "choices", "choice %q is listed twice", clip(c))
		}
		seen[c] = true
	}
}

func (v *validator) order(path string, it *Item) {
	if len(it.Tokens) < 2 {
		v.add(path, "tokens", "an order item needs at least 2 tokens, has %d", len(it.Tokens))
		return
	}
	if len(it.Answers) > 0 && !tokensCompose(it.Tokens, it.Answers[0]) {
		v.add(path, "tokens", "the tokens must be exactly the words of the first answer %q, in any order",
			clip(it.Answers[0]))
	}
}

// tokensCompose reports whether the tokens, put in some order, make up the
// sentence: as words when the sentence has spaces, and as characters when it
// has none (Chinese, where a token may be several characters).
func tokensCompose(tokens []string, sentence string) bool {
	if words := strings.Fields(sentence); len(words) > 1 {
		return sameMultiset(tokens, words)
	}
	return sameMultiset(runeStrings(strings.Join(tokens, "")), runeStrings(strings.TrimSpace(sentence)))
}

func runeStrings(s string) []string {
	out := make([]string, 0, len(s))
	for _, r := range s {
		out = append(out, string(r))
	}
	return out
}

// sameMultiset reports whether a and b hold the same strings the same number
// of times.
func sameMultiset(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, t := range a {
		count[t]++
	}
	for _, t := range b {
		count[t]--
		if count[t] < 0 {
			return false
		}
	}
	return true
}

func (v *validator) id(path, field, id string) {
	if !validID(id) {
		v.add(path, field, "id %q must be 1 to 64 characters from A-Z a-z 0-9 . _ -", clip(id))
		return
	}
	if first, dup := v.ids[id]; dup {
		v.add(path, field, "id %q is already used by %s; ids must be unique in a pack", id, first)
		return
	}
	v.ids[id] = path
}

func validID(id string) bool {
	if len(id) < 1 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

func (v *validator) text(path, field, s string, required bool) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.add(path, field, "must not be empty")
	case !utf8.ValidString(s):
		v.add(path, field, "is not valid UTF-8 text")
	case utf8.RuneCountInString(s) > MaxStringRunes:
		v.add(path, field, "is %d characters long; at most %d are allowed", utf8.RuneCountInString(s), MaxStringRunes)
	}
}

// list checks a required list of non-empty strings.
func (v *validator) list(path, field string, xs []string, emptyMessage string) {
	if len(xs) == 0 {
		v.add(path, field, "%s", emptyMessage)
		return
	}
	v.strings(path, field, xs)
	for i, s := range xs {
		if strings.TrimSpace(s) == "" {
			v.add(path, field, "entry %d is empty", i+1)
		}
	}
}

// strings checks the size of an optional list and of each of its entries.
func (v *validator) strings(path, field string, xs []string) {
	if len(xs) > MaxListLen {
		v.add(path, field, "has %d entries; at most %d are allowed", len(xs), MaxListLen)
		return
	}
	for i, s := range xs {
		if !utf8.ValidString(s) {
			v.add(path, field, "entry %d is not valid UTF-8 text", i+1)
		} else if n := utf8.RuneCountInString(s); n > MaxStringRunes {
			v.add(path, field, "entry %d is %d characters long; at most %d are allowed", i+1, n, MaxStringRunes)
		}
	}
}

// lang accepts a BCP 47-like tag: letters, digits and hyphens, starting
// with a 2–3 letter language ("en", "zh-CN", "yue-Hant").
func (v *validator) lang(path, field, tag string) {
	parts := strings.Split(tag, "-")
	ok := len(tag) <= 35 && len(parts[0]) >= 2 && len(parts[0]) <= 3
	for i, p := range parts {
		for _, r := range p {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
				ok = false
			}
		}
		if p == "" {
			ok = false
		}
	}
	if !ok {
		v.add(path, field, "is %q; use a language tag such as \"en\" or \"zh-CN\"", clip(tag))
	}
}

// label names a unit, lesson or item by its id, or by its position when the
// id is missing.
func label(what string, index int, id string) string {
	if id == "" {
		return fmt.Sprintf("%s #%d", what, index+1)
	}
	return fmt.Sprintf("%s %q", what, clip(id))
}

// clip shortens a value quoted in an error message so a huge hostile string
// does not make a huge error.
func clip(s string) string {
	const max = 80
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

// kindName is the kind as it follows "a" in a message: "a cloze", "an".
func kindName(kind string) string {
	if contains(Kinds, kind) {
		return " " + kind
	}
	return "n"
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
