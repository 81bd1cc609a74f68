package gradedata

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/tutor-dev/tutor/model/pkgfetch"
)

// WordNet is the pinned package the synonyms come from: the one
// model/corpus reads (Debian 12's wordnet-base, Princeton WordNet 3.0).
var WordNet = struct{ Name, Version, SHA256 string }{
	"wordnet-base", "1:3.0-37", "61060d960f9ada8fa120872312eccd3ecebfbab8c4579e4f5a74e1cf67620752"}

// wordNetFiles are the files of the package the derivation reads.
var wordNetFiles = []string{"index.noun", "index.verb", "index.adj", "index.adv",
	"data.noun", "data.verb", "data.adj", "data.adv", "cntlist.rev"}

// FetchWordNet fetches the pinned wordnet-base .deb into cache (or finds
// it there) and returns the files the derivation reads, by base name.
func FetchWordNet(cache string, log io.Writer) (map[string][]byte, error) {
	deb, err := pkgfetch.Deb(WordNet.Name, WordNet.Version, WordNet.SHA256, cache, log)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, f := range wordNetFiles {
		want["usr/share/wordnet/"+f] = true
	}
	files, err := pkgfetch.ReadDeb(deb, func(p string) bool { return want[p] })
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for p, data := range files {
		out[path.Base(p)] = data
	}
	return out, nil
}

// Thresholds of the derived lexicon. A word is listed when WordNet's
// semantic concordance tagged it at least minCount times and at least
// minShare of those in one part of speech (so a swap can trust the part
// of speech without a tagger). Its synonyms are the other words of its most
// frequent sense, when that sense has at least senseShare of its tags and
// the synonym itself was tagged at least minSynCount times in that very
// sense, which is one of its first two: "big" -> "large", but not "begin"
// -> "get", whose beginning sense is rare.
const (
	minCount    = 3
	minShare    = 0.75
	senseShare  = 0.5
	minSynCount = 3
	maxSynSense = 1
)

var posNames = map[string]string{"noun": "noun", "verb": "verb", "adj": "adjective", "adv": "adverb"}

// ssTypePOS maps a sense key's synset type digit to the index file's part
// of speech (satellite adjectives count as adjectives).
var ssTypePOS = map[byte]string{'1': "noun", '2': "verb", '3': "adj", '4': "adv", '5': "adj"}

// senseCounts[word][pos][sense number] is how often the concordance tagged
// that sense.
type senseCounts map[string]map[string]map[int]int

// DeriveLexicon writes the synonym lexicon (data/grade/lexicon.tsv) from
// WordNet's index, data and cntlist.rev files, given by base name. The
// same files always give the same bytes.
func DeriveLexicon(files map[string][]byte) ([]byte, error) {
	for _, f := range wordNetFiles {
		if files[f] == nil {
			return nil, fmt.Errorf("WordNet file %s is missing; pass the files of %s=%s's usr/share/wordnet", f, WordNet.Name, WordNet.Version)
		}
	}
	counts, err := readCounts(files["cntlist.rev"])
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, pos := range []string{"noun", "verb", "adj", "adv"} {
		index, err := readIndex(files["index."+pos])
		if err != nil {
			return nil, fmt.Errorf("index.%s: %w", pos, err)
		}
		synsets, err := readSynsets(files["data."+pos])
		if err != nil {
			return nil, fmt.Errorf("data.%s: %w", pos, err)
		}
		for word, offsets := range index {
			total, ok := dominant(counts[word], pos)
			if !ok || slicesIndex(synsets[offsets[0]], word) < 0 {
				continue // rare, mostly another part of speech, or a name (capitalised in its synset)
			}
			syns := synonyms(word, pos, offsets, counts, index, synsets)
			lines = append(lines, fmt.Sprintf("%s\t%s\t%d\t%s", word, posNames[pos], total, strings.Join(syns, " ")))
		}
	}
	sort.Strings(lines)
	var b bytes.Buffer
	b.WriteString("# word\tpart of speech\ttags\tsynonyms (derived from WordNet 3.0 by `tutor data grade --derive-lexicon`; see PROVENANCE.md)\n")
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	return b.Bytes(), nil
}

// dominant says whether a word is common and mostly pos, and how often it
// was tagged as pos.
func dominant(byPOS map[string]map[int]int, pos string) (int, bool) {
	sum := func(m map[int]int) int {
		n := 0
		for _, c := range m {
			n += c
		}
		return n
	}
	all := 0
	for _, m := range byPOS {
		all += sum(m)
	}
	n := sum(byPOS[pos])
	return n, n >= minCount && float64(n) >= minShare*float64(all)
}

// synonyms are the words that share word's most frequent sense and use it
// often themselves.
func synonyms(word, pos string, offsets []string, counts senseCounts, index map[string][]string, synsets map[string][]string) []string {
	senses := counts[word][pos]
	total := 0
	for _, c := range senses {
		total += c
	}
	if len(offsets) == 0 || float64(senses[1]) < senseShare*float64(total) {
		return nil
	}
	first := offsets[0]
	var out []string
	for _, other := range synsets[first] {
		if other == word || !isPlainWord(other) || !strings.ContainsAny(other, "aeiou") { // "hr" for "hour", "yr" for "year"
			continue
		}
		k := slicesIndex(index[other], first) + 1 // the sense number of first for other
		if k < 1 || k > maxSynSense || counts[other][pos][k] < minSynCount {
			continue
		}
		if _, ok := dominant(counts[other], pos); ok {
			out = append(out, other)
		}
	}
	sort.Strings(out)
	return out
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// isPlainWord is a one-word lemma of lower-case ASCII letters (no
// collocations, names or abbreviations).
func isPlainWord(w string) bool {
	if len(w) < 2 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// readCounts reads cntlist.rev: "sense_key sense_number tag_cnt", the sense
// key being lemma%ss_type:lex_filenum:lex_id:head_word:head_id.
func readCounts(data []byte) (senseCounts, error) {
	out := senseCounts{}
	err := eachLine(data, func(n int, line string) error {
		f := strings.Fields(line)
		if len(f) != 3 {
			return fmt.Errorf("cntlist.rev line %d: %d fields, want 3", n, len(f))
		}
		lemma, rest, ok := strings.Cut(f[0], "%")
		if !ok || rest == "" {
			return fmt.Errorf("cntlist.rev line %d: bad sense key %q", n, f[0])
		}
		pos, ok := ssTypePOS[rest[0]]
		sense, err1 := strconv.Atoi(f[1])
		count, err2 := strconv.Atoi(f[2])
		if !ok || err1 != nil || err2 != nil {
			return fmt.Errorf("cntlist.rev line %d: cannot read %q", n, line)
		}
		if !isPlainWord(lemma) {
			return nil
		}
		if out[lemma] == nil {
			out[lemma] = map[string]map[int]int{}
		}
		if out[lemma][pos] == nil {
			out[lemma][pos] = map[int]int{}
		}
		out[lemma][pos][sense] += count
		return nil
	})
	return out, err
}

// readIndex reads an index file into each plain word's synset offsets, in
// WordNet's sense order: "lemma pos synset_cnt p_cnt [ptr...] sense_cnt
// tagsense_cnt offset...".
func readIndex(data []byte) (map[string][]string, error) {
	out := map[string][]string{}
	err := eachLine(data, func(n int, line string) error {
		f := strings.Fields(line)
		if len(f) < 4 {
			return fmt.Errorf("line %d: too few fields", n)
		}
		cnt, err := strconv.Atoi(f[2])
		if err != nil || cnt < 1 || len(f) < 4+cnt {
			return fmt.Errorf("line %d: bad synset count %q", n, f[2])
		}
		if isPlainWord(f[0]) {
			out[f[0]] = f[len(f)-cnt:]
		}
		return nil
	})
	return out, err
}

// readSynsets reads a data file into each synset's plain words:
// "offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] ...".
func readSynsets(data []byte) (map[string][]string, error) {
	out := map[string][]string{}
	err := eachLine(data, func(n int, line string) error {
		f := strings.Fields(line)
		if len(f) < 4 {
			return fmt.Errorf("line %d: too few fields", n)
		}
		cnt, err := strconv.ParseUint(f[3], 16, 8)
		if err != nil || cnt == 0 || len(f) < 4+2*int(cnt) {
			return fmt.Errorf("line %d: bad word count %q", n, f[3])
		}
		var words []string
		for i := range int(cnt) {
			w := f[4+2*i]
			if j := strings.IndexByte(w, '('); j > 0 { // adjective position marks: (a), (p), (ip)
				w = w[:j]
			}
			if isPlainWord(w) { // names keep their capitals in the data files and are left out
				words = append(words, w)
			}
		}
		out[f[0]] = words
		return nil
	})
	return out, err
}

// eachLine calls fn on every line that is not part of the licence header
// (WordNet's files start with lines that begin with a space).
func eachLine(data []byte, fn func(n int, line string) error) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || line[0] == ' ' {
			continue
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	return sc.Err()
}
