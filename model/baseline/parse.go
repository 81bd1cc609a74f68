package baseline

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// linkParser parses English with link-grammar. -echo repeats each sentence
// before its result so that results can be matched to sentences; -timeout
// bounds the time spent on any one sentence (in seconds).
var linkParser = tool{name: "link-parser", args: []string{
	"en", "-echo=1", "-graphics=0", "-verbosity=1", "-timeout=10",
}}

// parse is link-grammar's verdict on a sentence.
type parse struct {
	nulls int     // words the best parse leaves unlinked; 0: a complete parse
	cost  float64 // the best parse's disjunct cost; lower is more natural
}

var (
	foundLine = regexp.MustCompile(`^Found (\d+) linkages?\b.*?(?: at null count (\d+))?$`)
	costLine  = regexp.MustCompile(`cost vector = \(UNUSED=\d+ DIS=\s*(-?[\d.]+)`)
)

// parseAll parses every sentence in one link-parser process.
func parseAll(ctx context.Context, sentences []string) ([]parse, error) {
	lines := make([]string, len(sentences))
	var in strings.Builder
	for i, s := range sentences {
		lines[i] = parserLine(s)
		if lines[i] != "" {
			in.WriteString(lines[i] + "\n")
		}
	}
	out, err := linkParser.run(ctx, in.String(), limitFor(len(sentences)))
	if err != nil {
		return nil, err
	}
	return readParses(out, lines)
}

// parserLine is the sentence as link-parser must see it: one line of single
// spaces, not starting with "!" (which would make it a command). Full-width
// punctuation becomes ASCII with a space, so that the grammar judges the
// words rather than rejecting every sentence with a "，" in it; the
// baseline proposes no punctuation edit itself.
func parserLine(s string) string {
	s = fullWidth.Replace(oneLine(s))
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimLeft(s, "!")
}

var fullWidth = strings.NewReplacer("，", ", ", "。", ". ", "？", "? ", "！", "! ", "：", ": ", "；", "; ")

// readParses walks link-parser's output: each sentence is echoed, then a
// "Found N linkages (...) [at null count K]" line, then the best linkage's
// cost vector. An empty line was not sent and counts as a complete parse.
func readParses(out string, lines []string) ([]parse, error) {
	parses := make([]parse, len(lines))
	output := strings.Split(out, "\n")
	at := 0
	for i, want := range lines {
		if want == "" {
			continue
		}
		for at < len(output) && output[at] != want {
			at++
		}
		if at == len(output) {
			return nil, fmt.Errorf("baseline: link-parser output lacks sentence %d %q", i+1, want)
		}
		p, next, err := readVerdict(output, at+1, want, nextLine(lines, i))
		if err != nil {
			return nil, err
		}
		parses[i], at = p, next
	}
	return parses, nil
}

// nextLine is the next sentence sent after lines[i], or "".
func nextLine(lines []string, i int) string {
	for _, l := range lines[i+1:] {
		if l != "" {
			return l
		}
	}
	return ""
}

// readVerdict reads the lines after a sentence's echo, up to and including
// its best linkage's cost, and returns where the next sentence may start.
// Reaching the next sentence's echo first means the verdict is missing.
func readVerdict(output []string, at int, sentence, next string) (parse, int, error) {
	for ; at < len(output) && (next == "" || output[at] != next); at++ {
		m := foundLine.FindStringSubmatch(output[at])
		if m == nil {
			continue
		}
		if m[1] == "0" {
			return parse{nulls: len(strings.Fields(sentence))}, at + 1, nil
		}
		p := parse{}
		if m[2] != "" {
			p.nulls, _ = strconv.Atoi(m[2])
		}
		if at+1 < len(output) {
			if c := costLine.FindStringSubmatch(output[at+1]); c != nil {
				p.cost, _ = strconv.ParseFloat(c[1], 64)
				at++
			}
		}
		return p, at + 1, nil
	}
	return parse{}, 0, fmt.Errorf("baseline: link-parser gave no verdict for %q", sentence)
}
