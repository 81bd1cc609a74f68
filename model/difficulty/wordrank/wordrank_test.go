package wordrank

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model/difficulty"
	"github.com/tutor-dev/tutor/model/pkgfetch"
)

func TestCountCorpusKeepsToTheChosenSources(t *testing.T) {
	text := "The cat sat.\nA dog ran.\n\nFunctions return values.\n\nThe cat's hat, the well-known cat.\n\n"
	sources := []CorpusSource{{Name: "books", TrainParagraphs: 2}, {Name: "docs", TrainParagraphs: 1}, {Name: "more", TrainParagraphs: 1}}
	got, err := CountCorpus(strings.NewReader(text), sources, []string{"books", "more"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"the": 3, "cat": 2, "sat": 1, "a": 1, "dog": 1, "ran": 1, "cat's": 1, "hat": 1, "well": 1, "known": 1}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("counts = %v, want %v", got, want)
	}
	if _, err := CountCorpus(strings.NewReader(text), sources[:2], nil); err == nil || !strings.Contains(err.Error(), "more paragraphs") {
		t.Errorf("a train.txt longer than its manifest: err = %v", err)
	}
	long := append(append([]CorpusSource(nil), sources...), CorpusSource{Name: "extra", TrainParagraphs: 3})
	if _, err := CountCorpus(strings.NewReader(text), long, nil); err == nil || !strings.Contains(err.Error(), "fewer paragraphs") {
		t.Errorf("a train.txt shorter than its manifest: err = %v", err)
	}
}

func TestJSStrings(t *testing.T) {
	src := "/**\n * List of 'easy' words.\n */\n// a 'comment'\nexport const spache = [\n  'a',\n  \"can't\",\n  'Zoo'\n]\n"
	if got := jsStrings([]byte(src)); !reflect.DeepEqual(got, []string{"a", "can't", "zoo"}) {
		t.Fatalf("jsStrings = %q", got)
	}
}

// synthetic makes inputs big enough for Build's plausibility checks: words
// w0000 … with a tier, a corpus count and a Wikipedia rank that all say
// lower numbers are commoner, plus a few real words to test families and
// caps on.
func synthetic() Inputs {
	in := Inputs{Corpus: map[string]int{}, Tiers: map[string]int{}}
	for i := range 60000 {
		w := fmt.Sprintf("w%05dx", i)
		w = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return 'a' + (r - '0')
			}
			return r
		}, w)
		in.Tiers[w] = scowlSizes[min(i/8000, len(scowlSizes)-1)]
		if i < 30000 {
			in.Corpus[w] = 100000 - 3*i
		}
		in.Wikipedia = append(in.Wikipedia, w)
	}
	for _, w := range []string{"walk", "walks", "walked", "walking", "kitchen"} {
		in.Tiers[w] = 35
	}
	in.Corpus["walked"] = 99990 // the commonest member makes the family common
	for i := range 600 {
		in.Spache = append(in.Spache, fmt.Sprintf("w%05dx", 20000+i))
	}
	in.Spache = append(in.Spache, "kitchen")
	for i := range 2100 {
		in.DaleChall = append(in.DaleChall, fmt.Sprintf("w%05dx", 30000+i))
	}
	return in
}

func TestBuildMergesFamiliesAndAppliesTheLists(t *testing.T) {
	in := synthetic()
	// the synthetic words use digits mapped to letters; map the list entries the same way
	letters := func(ws []string) []string {
		out := make([]string, len(ws))
		for i, w := range ws {
			out[i] = strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return 'a' + (r - '0')
				}
				return r
			}, w)
		}
		return out
	}
	in.Spache, in.DaleChall = letters(in.Spache), letters(in.DaleChall)
	res, err := Build(in, 20000)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Words) != 20000 {
		t.Fatalf("%d words kept, want 20000", len(res.Words))
	}
	tab, err := difficulty.NewTable(res.Words)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"walks", "walked", "walking"} {
		if contains(res.Words, w) {
			t.Errorf("%s is listed; it belongs to the family of walk", w)
		}
	}
	rw, _ := tab.Rank("walk")
	if r, ok := tab.Rank("walked"); !ok || r != rw {
		t.Errorf("walk ranks %d and walked %d,%v: one family, one rank", rw, r, ok)
	}
	if r, ok := tab.Rank("kitchen"); !ok || r > spacheCap {
		t.Errorf("kitchen, on the Spache list, ranks %d,%v; want within %d", r, ok, spacheCap)
	}
	if res.Stats.SpacheWithin < 0.99 || res.Stats.SpacheWithinRaw > 0.1 {
		t.Errorf("Spache within the cap %.3f (raw %.3f)", res.Stats.SpacheWithin, res.Stats.SpacheWithinRaw)
	}
	// w30000x is on the Dale–Chall list, w29990x (commoner in every source) is not.
	listed, _ := tab.Rank(letters([]string{"w30000x"})[0])
	neighbour, _ := tab.Rank(letters([]string{"w29990x"})[0])
	if listed == 0 || neighbour != 0 && listed >= neighbour {
		t.Errorf("a Dale–Chall word ranks %d, its commoner neighbour off the list %d: the pull did nothing", listed, neighbour)
	}
	again, _ := Build(in, 20000)
	if !reflect.DeepEqual(res, again) {
		t.Error("two builds of the same inputs differ")
	}
	small := in
	small.Spache = nil
	if _, err := Build(small, 20000); err == nil || !strings.Contains(err.Error(), "too small") {
		t.Errorf("missing Spache list: err = %v", err)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func writeTgz(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))})
		tw.Write([]byte(body))
	}
	tw.Close()
	gz.Close()
	path := filepath.Join(t.TempDir(), "p.tgz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadStringList(t *testing.T) {
	path := writeTgz(t, map[string]string{"package/words.js": "var words = ['the','of']"})
	got, err := ReadStringList(path, "package/words.js")
	if err != nil || !reflect.DeepEqual(got, []string{"the", "of"}) {
		t.Fatalf("ReadStringList = %q, %v", got, err)
	}
	if _, err := ReadStringList(path, "package/index.js"); err == nil || !strings.Contains(err.Error(), "has no file package/index.js") {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestWriteFilesNeedsACorpus(t *testing.T) {
	_, err := WriteFiles(Options{CorpusDir: t.TempDir(), Out: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "tutor data corpus") {
		t.Fatalf("err = %v, want it to say how to build the corpus", err)
	}
}

// TestBuildReproducesCommittedTable rebuilds the table from the cached
// packages and the local corpus build, when both are here, and compares it
// with data/difficulty byte for byte. It never downloads.
func TestBuildReproducesCommittedTable(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the 50 MB corpus")
	}
	corpus := filepath.Join("..", "..", "..", "data", "corpus", "build")
	if _, err := os.Stat(filepath.Join(corpus, "train.txt")); err != nil {
		t.Skip("no corpus build here; run `tutor data corpus` first")
	}
	cache := pkgfetch.DefaultCacheDir()
	tarballs := map[string]string{}
	for _, p := range Packages {
		path := filepath.Join(cache, pkgfetch.Tarball(p.Name, p.Version))
		if _, err := os.Stat(path); err != nil {
			t.Skipf("%s is not cached; run `tutor data difficulty` once", p.Spec())
		}
		tarballs[p.Name] = path
	}
	out := t.TempDir()
	if _, err := WriteFiles(Options{CorpusDir: corpus, Tarballs: tarballs, Out: out}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{difficulty.TableFile, ProvenanceFile} {
		got, _ := os.ReadFile(filepath.Join(out, name))
		want, err := os.ReadFile(filepath.Join("..", "..", "..", "data", "difficulty", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from data/difficulty/%s: rerun `tutor data difficulty` and commit", name, name)
		}
	}
}
