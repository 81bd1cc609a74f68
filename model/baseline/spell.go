package baseline

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

var hunspell = tool{name: "hunspell", args: []string{"-a", "-d", "en_US"}}

// speller is what one hunspell run says about a batch: the spelling edits
// of each sentence, and which of some extra words it knows.
type speller struct {
	edits [][]Edit
	known map[string]bool
}

// spell runs the sentences, then the extra words one per line, through one
// hunspell process in its ispell pipe mode. Each misspelt word of a
// sentence that has a suggestion becomes an edit to the first suggestion.
func spell(ctx context.Context, sentences, words []string) (speller, error) {
	var in strings.Builder
	for _, s := range append(slices.Clone(sentences), words...) {
		// "^" keeps hunspell from reading a line as one of its commands.
		in.WriteString("^" + oneLine(s) + "\n")
	}
	out, err := hunspell.run(ctx, in.String(), limitFor(len(sentences)+len(words)))
	if err != nil {
		return speller{}, err
	}
	misses, err := readHunspell(out, len(sentences)+len(words))
	if err != nil {
		return speller{}, err
	}
	sp := speller{edits: make([][]Edit, len(sentences)), known: map[string]bool{}}
	for i, s := range sentences {
		sp.edits[i] = spellEdits([]rune(s), misses[i])
	}
	for k, w := range words {
		sp.known[w] = len(misses[len(sentences)+k]) == 0
	}
	return sp, nil
}

// miss is a word hunspell rejects: "& word count offset: s1, s2, ..." or
// "# word offset" (no suggestion).
type miss struct {
	word       string
	offset     int
	suggestion string
}

// readHunspell reads hunspell -a output: a banner line, then per input line
// one line per word ("*", "+ root", "-" accepted; "&", "#" rejected) and an
// empty line.
func readHunspell(out string, lines int) ([][]miss, error) {
	// The last answer's empty line ends with the output's final newline.
	output := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if !strings.HasPrefix(output[0], "@(#)") {
		return nil, fmt.Errorf("baseline: hunspell -a did not start with its banner: %q", output[0])
	}
	misses := make([][]miss, lines)
	i := 0
	for _, line := range output[1:] {
		if i == lines {
			break
		}
		switch {
		case line == "":
			i++
		case strings.HasPrefix(line, "& "):
			m, err := parseMiss(line)
			if err != nil {
				return nil, err
			}
			misses[i] = append(misses[i], m)
		case strings.HasPrefix(line, "# "):
			misses[i] = append(misses[i], miss{word: strings.Fields(line)[1], offset: -1})
		}
	}
	if i < lines {
		return nil, fmt.Errorf("baseline: hunspell answered for %d of %d lines", i, lines)
	}
	return misses, nil
}

// spellEdits turns the misses that have a suggestion into edits.
func spellEdits(text []rune, misses []miss) []Edit {
	var edits []Edit
	cursor := 0
	for _, m := range misses {
		if m.suggestion == "" {
			continue
		}
		if e, ok := spellEdit(text, m, cursor); ok {
			edits = append(edits, e)
			cursor = e.End
		}
	}
	return edits
}

// parseMiss splits "& word count offset: first, second, ...".
func parseMiss(line string) (miss, error) {
	head, suggestions, ok := strings.Cut(line, ": ")
	fields := strings.Fields(head)
	if !ok || len(fields) != 4 {
		return miss{}, fmt.Errorf("baseline: cannot read hunspell line %q", line)
	}
	offset, err := strconv.Atoi(fields[3])
	if err != nil {
		return miss{}, fmt.Errorf("baseline: cannot read hunspell line %q: %v", line, err)
	}
	first, _, _ := strings.Cut(suggestions, ", ")
	// The offset counts the "^" that prefixed the line.
	return miss{word: fields[1], offset: offset - 1, suggestion: first}, nil
}

// spellEdit places a flagged word in the sentence. hunspell gives character
// offsets in a UTF-8 locale; if the word is not found there (another
// locale's byte offsets), it is looked for from the end of the last edit.
func spellEdit(text []rune, m miss, cursor int) (Edit, bool) {
	w := []rune(m.word)
	at := m.offset
	if at < cursor || at+len(w) > len(text) || string(text[at:at+len(w)]) != m.word {
		at = indexFrom(text, w, cursor)
		if at < 0 {
			return Edit{}, false
		}
	}
	typ := "spelling"
	if strings.EqualFold(m.word, m.suggestion) {
		typ = "capitalization"
	}
	return Edit{Start: at, End: at + len(w), Replacement: m.suggestion, Type: typ}, true
}

func indexFrom(text, w []rune, from int) int {
	for i := from; i+len(w) <= len(text); i++ {
		if string(text[i:i+len(w)]) == string(w) {
			return i
		}
	}
	return -1
}
