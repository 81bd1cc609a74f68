package gec

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
)

// SentenceFilter says which sentences of a prose corpus look like what a
// learner writes: plain modern statements and questions of common words.
// Archaic verse, code, lists and long periodic sentences would teach the
// tagger a language nobody in the classroom writes.
type SentenceFilter struct {
	MinWords, MaxWords int
}

// DefaultSentenceFilter keeps sentences of 4 to 24 words.
func DefaultSentenceFilter() SentenceFilter { return SentenceFilter{MinWords: 4, MaxWords: 24} }

// archaic words that mark a sentence as not the English a learner is taught.
var archaic = map[string]bool{"thee": true, "thou": true, "thy": true, "thine": true, "ye": true, "hath": true,
	"doth": true, "art": true, "shalt": true, "wilt": true, "unto": true, "saith": true, "hast": true, "didst": true}

// Keep says whether sentence passes the filter: a capital first letter, a
// final . ? or !, MinWords to MaxWords words, only letters, digits and
// ordinary punctuation (no quotes, brackets, colons or symbols), no word in
// capitals but "I", and every word one the lexicon knows.
func (f SentenceFilter) Keep(sentence string, lx *Lexicon) bool {
	r := []rune(sentence)
	if len(r) < 2 || !unicode.IsUpper(r[0]) || !strings.ContainsRune(".?!", r[len(r)-1]) {
		return false
	}
	for _, c := range r {
		if !(c < 128 && (unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune(" .,?!'-", c))) {
			return false
		}
	}
	words := 0
	for _, t := range Tokenize(sentence) {
		if !t.IsWord() {
			continue
		}
		words++
		lower := strings.ToLower(t.Text)
		if archaic[lower] || len(t.Text) > 1 && isAllCaps(t.Text) || !lx.Known(lower) && !isNumber(t.Text) {
			return false
		}
	}
	return words >= f.MinWords && words <= f.MaxWords
}

func isNumber(s string) bool {
	for _, c := range s {
		if !unicode.IsDigit(c) && c != '.' && c != ',' {
			return false
		}
	}
	return s != ""
}

// SplitSentences splits a paragraph into sentences at a . ? or ! that is
// followed by a space and a capital letter ("Mr." and other abbreviations
// are split too; the filter then drops the pieces).
func SplitSentences(paragraph string) []string {
	r := []rune(strings.TrimSpace(paragraph))
	var out []string
	start := 0
	for i := 0; i < len(r); i++ {
		if !strings.ContainsRune(".?!", r[i]) {
			continue
		}
		if i+2 < len(r) && r[i+1] == ' ' && unicode.IsUpper(r[i+2]) {
			out = append(out, string(r[start:i+1]))
			start = i + 2
		}
	}
	if start < len(r) {
		out = append(out, string(r[start:]))
	}
	return out
}

// CorpusSentences reads prose (one paragraph a line, as `tutor data
// corpus` writes train.txt) and returns the sentences the filter keeps,
// each once, in the order first met.
func CorpusSentences(r io.Reader, lx *Lexicon, f SentenceFilter) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		for _, s := range SplitSentences(sc.Text()) {
			if !seen[s] && f.Keep(s, lx) {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out, sc.Err()
}

// CourseSentences returns the example sentences of a content pack (the
// JSON of data/content/*.json) and its cloze prompts with their first
// answer filled in, sorted, each once.
func CourseSentences(packJSON []byte) ([]string, error) {
	var pack struct {
		Course struct {
			Units []struct {
				Lessons []struct {
					Items []struct {
						Kind    string   `json:"kind"`
						Prompt  string   `json:"prompt"`
						Answers []string `json:"answers"`
						Example string   `json:"example"`
					} `json:"items"`
				} `json:"lessons"`
			} `json:"units"`
		} `json:"course"`
	}
	if err := json.Unmarshal(packJSON, &pack); err != nil {
		return nil, fmt.Errorf("content pack: %v", err)
	}
	seen := map[string]bool{}
	for _, u := range pack.Course.Units {
		for _, l := range u.Lessons {
			for _, it := range l.Items {
				if it.Example != "" {
					seen[it.Example] = true
				}
				if it.Kind == "cloze" && len(it.Answers) > 0 && strings.Count(it.Prompt, "___") == 1 {
					seen[strings.Replace(it.Prompt, "___", it.Answers[0], 1)] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out, nil
}
