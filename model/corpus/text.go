package corpus

import (
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// decodeText returns b as UTF-8: as it is when it is valid UTF-8, else read
// as Windows-1252, the usual encoding of old English web pages and texts.
func decodeText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	s, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(s)
}

// gutenbergEnd matches the line where a Project Gutenberg text ends and its
// licence and donation boilerplate begins; gutenbergStart the line after
// which the book begins, in the files that still have their header.
var (
	gutenbergEnd   = regexp.MustCompile(`(?im)^\W*end\W+of\W+(the\W+)?(this\W+)?project\W+gutenberg`)
	gutenbergStart = regexp.MustCompile(`(?im)^\W*start\W+of\W+(the\W+)?(this\W+)?project\W+gutenberg.*$`)
	verseNumber    = regexp.MustCompile(`(^|\s)\d+:\d+\s+`)
	illustration   = regexp.MustCompile(`\[Illustration[^\]]*\]`)
)

// extractGutenberg reads NLTK's Gutenberg files, one document per book:
// the Project Gutenberg header and licence are cut off, the King James
// verse numbers ("1:1 ", also inside paragraphs) and the _underscores_ of
// italics dropped.
func extractGutenberg(files []File) ([]Document, error) {
	var docs []Document
	for _, f := range files {
		text := stripGutenberg(decodeText(f.Data))
		bible := strings.HasPrefix(path.Base(f.Path), "bible")
		var paras []string
		for _, p := range textParagraphs(text) {
			if strings.Contains(strings.ToLower(p), "gutenberg") {
				continue // boilerplate that slipped past the markers
			}
			if bible {
				p = verseNumber.ReplaceAllString(p, "$1")
			}
			p = illustration.ReplaceAllString(p, "")
			paras = append(paras, strings.ReplaceAll(p, "_", ""))
		}
		docs = append(docs, Document{Name: path.Base(f.Path), Paragraphs: paras})
	}
	return docs, nil
}

// stripGutenberg keeps the book between the Project Gutenberg start and end
// markers (each when present).
func stripGutenberg(text string) string {
	// The end first: the licence after it may mention a start marker.
	if loc := gutenbergEnd.FindStringIndex(text); loc != nil {
		text = text[:loc[0]]
	}
	if loc := gutenbergStart.FindStringIndex(text); loc != nil {
		text = text[loc[1]:]
	}
	return text
}

// sotuNote matches the transcribers' notes in the addresses: audience
// reactions, page numbers, footnote marks, gaps and [sic].
var sotuNote = regexp.MustCompile(`(?i)\s*\[(laughter|applause|missing text|sic|p\.\s*\d+|\d+)\]`)

// extractSOTU reads the State of the Union addresses, one document each;
// each line of a file is a paragraph (most files are one line).
func extractSOTU(files []File) ([]Document, error) {
	var docs []Document
	for _, f := range files {
		text := sotuNote.ReplaceAllString(decodeText(f.Data), "")
		var paras []string
		for _, line := range strings.Split(text, "\n") {
			if strings.TrimSpace(line) != "" {
				paras = append(paras, line)
			}
		}
		docs = append(docs, Document{Name: path.Base(f.Path), Paragraphs: paras})
	}
	return docs, nil
}
