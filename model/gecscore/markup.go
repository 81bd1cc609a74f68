package gecscore

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// ParseMarkup reads a sentence written with its corrections inline, the way a
// teacher marks a learner's work: {wrong=>right|type}. Either side may be
// empty, so {=>a |article} inserts "a " and {about =>|preposition} deletes
// "about ". Everything outside braces is left as the learner wrote it.
// Example: "Yesterday I {go=>went|tense} to {=>the |article}park."
func ParseMarkup(id, marked string) (Sentence, error) {
	s := Sentence{ID: id, Edits: []Edit{}}
	var text, corrected strings.Builder
	rest := marked
	for rest != "" {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			text.WriteString(rest)
			corrected.WriteString(rest)
			break
		}
		if rest[open] == '}' {
			return Sentence{}, fmt.Errorf("%s: a '}' without its '{' in %q", id, marked)
		}
		text.WriteString(rest[:open])
		corrected.WriteString(rest[:open])
		closing := strings.IndexAny(rest[open+1:], "{}")
		if closing < 0 || rest[open+1+closing] != '}' {
			return Sentence{}, fmt.Errorf("%s: a '{' without its '}' in %q", id, marked)
		}
		wrong, right, typ, err := parseCorrection(rest[open+1 : open+1+closing])
		if err != nil {
			return Sentence{}, fmt.Errorf("%s: %w", id, err)
		}
		start := utf8.RuneCountInString(text.String())
		text.WriteString(wrong)
		corrected.WriteString(right)
		s.Edits = append(s.Edits, Edit{Start: start, End: start + utf8.RuneCountInString(wrong), Replacement: right, Type: typ})
		rest = rest[open+1+closing+1:]
	}
	s.Text, s.Corrected = text.String(), corrected.String()
	return s, s.Check()
}

// parseCorrection splits the inside of {wrong=>right|type}.
func parseCorrection(inner string) (wrong, right, typ string, err error) {
	arrow := strings.Index(inner, "=>")
	bar := strings.LastIndex(inner, "|")
	if arrow < 0 || bar < arrow {
		return "", "", "", fmt.Errorf("correction {%s} is not {wrong=>right|type}", inner)
	}
	wrong, right, typ = inner[:arrow], inner[arrow+2:bar], inner[bar+1:]
	if wrong == right {
		return "", "", "", fmt.Errorf("correction {%s} changes nothing", inner)
	}
	if !IsType(typ) {
		return "", "", "", fmt.Errorf("correction {%s}: type %q is not one of %s", inner, typ, strings.Join(Types, ", "))
	}
	return wrong, right, typ, nil
}

// ReadMarkup reads a marked-up set: one "id<TAB>marked sentence" per line;
// blank lines and lines starting with '#' are skipped. It checks the set as
// CheckGold does.
func ReadMarkup(r io.Reader) ([]Sentence, error) {
	var out []Sentence
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		t := sc.Text()
		if strings.TrimSpace(t) == "" || strings.HasPrefix(t, "#") {
			continue
		}
		id, marked, ok := strings.Cut(t, "\t")
		if !ok {
			return nil, fmt.Errorf("line %d: want \"id<TAB>sentence\", got %q", line, t)
		}
		s, err := ParseMarkup(id, marked)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, CheckGold(out)
}
