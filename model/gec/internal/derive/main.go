// Command derive writes the word tables of data/errors from the files of
// pinned packages that were downloaded and unpacked by hand (the commands
// are in data/errors/PROVENANCE.md). It reads local files only, so the same
// inputs always give byte-identical tables.
//
//	go run ./model/gec/internal/derive \
//	    -verbs   DIR/package/resources        (npm english-verbs-irregular 3.4.0)
//	    -wordnet DIR/usr/share/wordnet        (Debian wordnet-base 1:3.0-37)
//	    -misspell DIR/words.go                (Go github.com/golangci/misspell v0.8.0)
//	    -hunspell DIR/usr/share/hunspell      (Debian hunspell-en-us 1:2020.12.07-2)
//	    -out data/errors
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/tutor-dev/tutor/model/gec"
)

func main() {
	verbs := flag.String("verbs", "", "english-verbs-irregular's resources/ directory")
	wordnet := flag.String("wordnet", "", "WordNet 3.0 dict directory (index.*, *.exc)")
	misspell := flag.String("misspell", "", "misspell's words.go")
	hunspell := flag.String("hunspell", "", "directory holding en_US.dic and en_US.aff")
	out := flag.String("out", "data/errors", "directory to write the tables into")
	flag.Parse()
	if *verbs == "" || *wordnet == "" || *misspell == "" || *hunspell == "" {
		fmt.Fprintln(os.Stderr, "derive: give -verbs, -wordnet, -misspell and -hunspell (see data/errors/PROVENANCE.md)")
		os.Exit(2)
	}
	if err := run(*verbs, *wordnet, *misspell, *hunspell, *out); err != nil {
		fmt.Fprintln(os.Stderr, "derive:", err)
		os.Exit(1)
	}
}

func run(verbsDir, wordnetDir, misspellFile, hunspellDir, out string) error {
	words, lemmas, err := readWordNetIndex(wordnetDir)
	if err != nil {
		return err
	}
	common := map[string]bool{}
	for w := range words {
		common[w] = true
	}
	steps := []struct {
		name  string
		lines func() ([]string, error)
	}{
		{"words.tsv", func() ([]string, error) { return wordLines(words), nil }},
		{"verbs.tsv", func() ([]string, error) { return verbLines(filepath.Join(verbsDir, "irregularVerbs.json")) }},
		{"doubling.txt", func() ([]string, error) { return doublingLines(filepath.Join(verbsDir, "consonantDoubled.json")) }},
		{"nouns.tsv", func() ([]string, error) { return excLines(filepath.Join(wordnetDir, "noun.exc"), common, nil) }},
		{"adjectives.tsv", func() ([]string, error) {
			return excLines(filepath.Join(wordnetDir, "adj.exc"), common, regexp.MustCompile(`(er|est)$|^(better|best|worse|worst|more|most|less|least|further|furthest|farther|farthest)$`))
		}},
		{"misspellings.tsv", func() ([]string, error) {
			real, err := realWords(filepath.Join(hunspellDir, "en_US.dic"), lemmas)
			if err != nil {
				return nil, err
			}
			return misspellingLines(misspellFile, real)
		}},
		{"rep.tsv", func() ([]string, error) { return repLines(filepath.Join(hunspellDir, "en_US.aff")) }},
	}
	for _, s := range steps {
		lines, err := s.lines()
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		path := filepath.Join(out, s.name)
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: %d lines\n", path, len(lines))
	}
	return nil
}

var lowerWord = regexp.MustCompile(`^[a-z]+$`)

// posCounts is how often WordNet's semantic concordance tags a lemma as a
// noun, verb, adjective and adverb: a frequency proxy that says which
// part of speech a word usually is.
type posCounts [4]int

// readWordNetIndex returns the one-word, lower-case lemmas that the
// concordance saw at least once (the common ones) with their counts per
// part of speech, and the set of every lemma (for telling real words from
// misspellings).
func readWordNetIndex(dir string) (map[string]posCounts, map[string]bool, error) {
	words := map[string]posCounts{}
	lemmas := map[string]bool{}
	for i, pos := range []string{"noun", "verb", "adj", "adv"} {
		f, err := os.Open(filepath.Join(dir, "index."+pos))
		if err != nil {
			return nil, nil, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, " ") {
				continue // licence header
			}
			// lemma pos synset_cnt p_cnt [ptr_symbol]{p_cnt} sense_cnt tagsense_cnt synset_offset...
			fs := strings.Fields(line)
			if len(fs) < 6 || !lowerWord.MatchString(fs[0]) {
				continue
			}
			lemmas[fs[0]] = true
			p, err := strconv.Atoi(fs[3])
			if err != nil || len(fs) < 6+p {
				continue
			}
			tagged, err := strconv.Atoi(fs[5+p])
			if err != nil || tagged == 0 {
				continue
			}
			c := words[fs[0]]
			c[i] += tagged
			words[fs[0]] = c
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, nil, err
		}
	}
	return words, lemmas, nil
}

func wordLines(words map[string]posCounts) []string {
	lines := make([]string, 0, len(words))
	for w, c := range words {
		lines = append(lines, fmt.Sprintf("%s\t%d\t%d\t%d\t%d", w, c[0], c[1], c[2], c[3]))
	}
	sort.Strings(lines)
	return append([]string{"# word\tnoun\tverb\tadjective\tadverb (WordNet 3.0 tagsense counts)"}, lines...)
}

func verbLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var verbs map[string][][]string
	if err := json.Unmarshal(data, &verbs); err != nil {
		return nil, err
	}
	var lines []string
	for base, forms := range verbs {
		if !lowerWord.MatchString(base) {
			continue
		}
		var past, participle []string
		for _, f := range forms {
			if len(f) != 2 {
				return nil, fmt.Errorf("verb %q: form %v is not [past, participle]", base, f)
			}
			past = appendNew(past, f[0])
			participle = appendNew(participle, f[1])
		}
		lines = append(lines, base+"\t"+strings.Join(past, ",")+"\t"+strings.Join(participle, ","))
	}
	sort.Strings(lines)
	return append([]string{"# base\tpast forms\tpast participles (first is the usual one)"}, lines...), nil
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func doublingLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var verbs []string
	if err := json.Unmarshal(data, &verbs); err != nil {
		return nil, err
	}
	sort.Strings(verbs)
	return append([]string{"# verbs that double their last consonant before -ed and -ing"}, verbs...), nil
}

// excLines keeps the WordNet exception pairs (inflected form, base) whose
// base is a common word and, when keep is set, whose form matches it.
func excLines(path string, common map[string]bool, keep *regexp.Regexp) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 2 || !lowerWord.MatchString(fs[0]) || !lowerWord.MatchString(fs[1]) || fs[0] == fs[1] {
			continue
		}
		if !common[fs[1]] || (keep != nil && !keep.MatchString(fs[0])) {
			continue
		}
		lines = append(lines, fs[0]+"\t"+fs[1])
	}
	sort.Strings(lines)
	return append([]string{"# inflected form\tbase"}, lines...), sc.Err()
}

// realWords is every hunspell stem with the common suffixes added, and
// every WordNet lemma: a misspelling that is one of these is a real word
// and would teach the model to flag correct text.
func realWords(dicPath string, lemmas map[string]bool) (map[string]bool, error) {
	data, err := os.ReadFile(dicPath)
	if err != nil {
		return nil, err
	}
	real := map[string]bool{}
	for w := range lemmas {
		real[w] = true
	}
	for _, line := range strings.Split(string(data), "\n")[1:] {
		stem, _, _ := strings.Cut(line, "/")
		stem = strings.ToLower(strings.TrimSpace(stem))
		if stem == "" {
			continue
		}
		for _, suffix := range []string{"", "s", "es", "ed", "d", "ing", "er", "est", "ly", "ies", "ied"} {
			real[stem+suffix] = true
		}
		if strings.HasSuffix(stem, "e") {
			real[strings.TrimSuffix(stem, "e")+"ing"] = true
		}
		if strings.HasSuffix(stem, "y") {
			base := strings.TrimSuffix(stem, "y")
			real[base+"ies"], real[base+"ied"], real[base+"ier"], real[base+"iest"] = true, true, true, true
		}
	}
	return real, nil
}

var quotedPair = regexp.MustCompile(`^\s*"([^"]*)",\s*"([^"]*)",\s*$`)

// misspellingLines inverts misspell's DictMain (misspelling -> word) into
// word -> misspellings, keeping lower-case single words whose misspelling
// is not itself a real word and is at most three edits away.
func misspellingLines(path string, real map[string]bool) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	byWord := map[string][]string{}
	inMain := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "var DictMain"):
			inMain = true
			continue
		case inMain && line == "}":
			inMain = false
		}
		m := quotedPair.FindStringSubmatch(line)
		if !inMain || m == nil {
			continue
		}
		wrong, right := m[1], m[2]
		if !lowerWord.MatchString(wrong) || !lowerWord.MatchString(right) || real[wrong] || len(right) < 3 {
			continue
		}
		if gec.EditDistance(wrong, right) > 3 {
			continue
		}
		byWord[right] = appendNew(byWord[right], wrong)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	lines := make([]string, 0, len(byWord))
	for w, ms := range byWord {
		sort.Strings(ms)
		lines = append(lines, w+"\t"+strings.Join(ms, " "))
	}
	sort.Strings(lines)
	return append([]string{"# word\tmisspellings of it, space-separated"}, lines...), nil
}

// repLines copies the affix file's REP table: "REP from to" says a word
// misspelt with from often means to (underscores stand for spaces).
func repLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, line := range strings.Split(string(data), "\n") {
		fs := strings.Fields(line)
		if len(fs) == 3 && fs[0] == "REP" {
			lines = append(lines, strings.ReplaceAll(fs[1], "_", " ")+"\t"+strings.ReplaceAll(fs[2], "_", " "))
		}
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("%s has no REP table", path)
	}
	return append([]string{"# misspelt part\tcorrect part (hunspell REP, in the affix file's order)"}, lines...), nil
}
