package gradedata

import (
	"bufio"
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Lexicon is the derived word table (data/grade/lexicon.tsv): each common
// word's part of speech, how often WordNet's concordance tagged it, and the
// synonyms of its most frequent sense.
type Lexicon struct {
	pos      map[string]string
	count    map[string]int
	synonyms map[string][]string
	common   map[string][]string // part of speech -> words tagged at least commonCount times, sorted
}

// commonCount is how often a word must be tagged to replace a content word
// in a wrong answer: unrelated, but a word a learner knows.
const commonCount = 15

// ParseLexicon reads the table DeriveLexicon writes.
func ParseLexicon(data []byte) (*Lexicon, error) {
	lx := &Lexicon{pos: map[string]string{}, count: map[string]int{}, synonyms: map[string][]string{}, common: map[string][]string{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("lexicon line %d: %d tab-separated fields, want 4 (word, part of speech, tags, synonyms); rebuild it with --derive-lexicon", n, len(f))
		}
		count, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("lexicon line %d: tag count %q is not a number", n, f[2])
		}
		w := f[0]
		if functionWords[w] {
			continue
		}
		lx.pos[w], lx.count[w] = f[1], count
		for _, s := range strings.Fields(f[3]) {
			if !functionWords[s] {
				lx.synonyms[w] = append(lx.synonyms[w], s)
			}
		}
		if count >= commonCount {
			lx.common[f[1]] = append(lx.common[f[1]], w)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(lx.pos) == 0 {
		return nil, fmt.Errorf("the lexicon is empty; rebuild it with `tutor data grade --derive-lexicon`")
	}
	for _, ws := range lx.common {
		sort.Strings(ws)
	}
	return lx, nil
}

// POS is a word's part of speech ("noun", "verb", "adjective", "adverb"),
// or "" for a word the table does not hold.
func (lx *Lexicon) POS(word string) string { return lx.pos[word] }

// Synonyms are the synonyms of a word's most frequent sense.
func (lx *Lexicon) Synonyms(word string) []string { return lx.synonyms[word] }

// Common are the common words of a part of speech, sorted.
func (lx *Lexicon) Common(pos string) []string { return lx.common[pos] }

// related says whether two words are the same or synonyms either way.
func (lx *Lexicon) related(a, b string) bool {
	if a == b {
		return true
	}
	for _, s := range lx.synonyms[a] {
		if s == b {
			return true
		}
	}
	for _, s := range lx.synonyms[b] {
		if s == a {
			return true
		}
	}
	return false
}
