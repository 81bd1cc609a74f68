package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tutor-dev/tutor/model/shard"
)

// ManifestFormat names the manifest's layout and the shard format it
// describes.
const ManifestFormat = "tutor-corpus/1"

// Manifest describes a build: where every paragraph came from, under which
// licence, what the filters dropped, and the files written. It records no
// time, so the same inputs give the same manifest.
type Manifest struct {
	Format    string        `json:"format"`
	Filters   Filters       `json:"filters"`
	Sources   []SourceStats `json:"sources"`
	Total     SourceStats   `json:"total"`
	Excluded  []Exclusion   `json:"excluded"`
	Tokenizer TokenizerInfo `json:"tokenizer"`
	Files     []FileInfo    `json:"files"`
}

// Filters are the settings the paragraphs were judged and split with.
type Filters struct {
	MinTokens       int     `json:"min_tokens"`
	MinWordShare    float64 `json:"min_word_share"`
	SentenceEnd     string  `json:"sentence_end"`
	CutAboveBytes   int     `json:"cut_above_bytes"`
	CutTargetBytes  int     `json:"cut_target_bytes"`
	Dedupe          string  `json:"dedupe"`
	ValPermille     int     `json:"val_permille"`
	Unicode         string  `json:"unicode"`
	DocumentStart   string  `json:"document_start"`
	ParagraphEnding string  `json:"paragraph_ending"`
}

func currentFilters(valPermille int) Filters {
	return Filters{
		MinTokens: MinTokens, MinWordShare: MinWordShare, SentenceEnd: ". ! ? … (then closing quotes or brackets)",
		CutAboveBytes: cutAbove, CutTargetBytes: cutTarget,
		Dedupe:      "exact paragraphs, across all sources, first occurrence kept (first 8 bytes of SHA-256)",
		ValPermille: valPermille, Unicode: "NFC, white space runs as one space, no control or invisible characters",
		DocumentStart: "token 0 (<|endoftext|>)", ParagraphEnding: "newline, encoded with the paragraph",
	}
}

// SourceStats are one source's numbers (or, as Manifest.Total, all of
// them summed).
type SourceStats struct {
	Name     string `json:"name"`
	Title    string `json:"title,omitempty"`
	Registry string `json:"registry,omitempty"`
	Package  string `json:"package,omitempty"`
	Version  string `json:"version,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
	Licence  string `json:"licence,omitempty"`

	BytesDownloaded int64 `json:"bytes_downloaded"` // the .deb or .tgz
	Files           int   `json:"files"`            // files read from it
	BytesRead       int64 `json:"bytes_read"`       // their size
	Documents       int   `json:"documents"`        // with at least one kept paragraph
	Paragraphs      int   `json:"paragraphs"`       // judged (after cutting long ones)
	TooShort        int   `json:"too_short"`
	FewWords        int   `json:"few_words"`
	Unfinished      int   `json:"unfinished"`
	Garbled         int   `json:"garbled"`
	Duplicates      int   `json:"duplicates"`
	Kept            int   `json:"paragraphs_kept"`
	BytesKept       int64 `json:"bytes_kept"` // UTF-8 text of the kept paragraphs
	TrainParagraphs int   `json:"train_paragraphs"`
	ValParagraphs   int   `json:"val_paragraphs"`
	TrainTokens     int64 `json:"train_tokens"`
	ValTokens       int64 `json:"val_tokens"`
}

// TokenizerInfo says which tokenizer encoded the shards.
type TokenizerInfo struct {
	File      string `json:"file"`
	SHA256    string `json:"sha256"`
	VocabSize int    `json:"vocab_size"`
	Merges    int    `json:"merges"`
	From      string `json:"from"`
}

// FileInfo is one output file.
type FileInfo struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Tokens int64  `json:"tokens,omitempty"` // shards only
}

func total(sources []SourceStats) SourceStats {
	t := SourceStats{Name: "total"}
	for _, s := range sources {
		t.BytesDownloaded += s.BytesDownloaded
		t.Files += s.Files
		t.BytesRead += s.BytesRead
		t.Documents += s.Documents
		t.Paragraphs += s.Paragraphs
		t.TooShort += s.TooShort
		t.FewWords += s.FewWords
		t.Unfinished += s.Unfinished
		t.Garbled += s.Garbled
		t.Duplicates += s.Duplicates
		t.Kept += s.Kept
		t.BytesKept += s.BytesKept
		t.TrainParagraphs += s.TrainParagraphs
		t.ValParagraphs += s.ValParagraphs
		t.TrainTokens += s.TrainTokens
		t.ValTokens += s.ValTokens
	}
	return t
}

// JSON is the manifest as indented JSON ending in a newline.
func (m *Manifest) JSON() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(m) // plain structs always encode
	return b.Bytes()
}

// Markdown is the manifest for people: the sources with their licences and
// numbers, what was left out and why, and the files of the build.
func (m *Manifest) Markdown() []byte {
	var b strings.Builder
	b.WriteString("# Pre-training corpus: manifest\n\n")
	b.WriteString("Written by `tutor data corpus` (package model/corpus); rebuilding from the same pinned packages gives the same\n" +
		"numbers and the same file hashes. The corpus text and shards are not committed; the tokenizer is shared in\n" +
		"data/tokenizer/. Only text whose licence allows shipping a model trained on it is used.\n\n")
	b.WriteString("## Sources\n\n")
	b.WriteString("| Source | Package | Version | Licence of the text | Downloaded MB | Read MB | Kept MB | Paragraphs kept | Train tokens | Val tokens |\n")
	b.WriteString("|---|---|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range append(append([]SourceStats(nil), m.Sources...), m.Total) {
		pkg := s.Package
		if s.Registry != "" {
			pkg = s.Registry + " `" + s.Package + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %.2f | %.2f | %.2f | %d | %d | %d |\n",
			s.Name, pkg, s.Version, s.Licence, mb(s.BytesDownloaded), mb(s.BytesRead), mb(s.BytesKept), s.Kept, s.TrainTokens, s.ValTokens)
	}
	b.WriteString("\nDownloaded: the package file. Read: the files taken from it (the Bible module's are compressed, so it keeps\n" +
		"more than it reads). Kept: the UTF-8 text of the paragraphs that passed the filters. Tokens: in the shards, each\n" +
		"document's leading end-of-text token included.\n")
	b.WriteString("\nWhat each source is:\n\n")
	for _, s := range m.Sources {
		fmt.Fprintf(&b, "- **%s**: %s. SHA-256 of the package file: `%s`.\n", s.Name, s.Title, s.SHA256)
	}
	b.WriteString("\n## Filters\n\n")
	b.WriteString("| Source | Files | Paragraphs judged | Too short | Few words | Unfinished | Garbled | Duplicates | Kept | Train | Val |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range append(append([]SourceStats(nil), m.Sources...), m.Total) {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n", s.Name, s.Files, s.Paragraphs,
			s.TooShort, s.FewWords, s.Unfinished, s.Garbled, s.Duplicates, s.Kept, s.TrainParagraphs, s.ValParagraphs)
	}
	f := m.Filters
	fmt.Fprintf(&b, "\nA paragraph is kept when it has at least %d whitespace-separated tokens, at least %.0f%% of them words\n"+
		"(letters, with apostrophes, hyphens or dots only between letters, once the punctuation around them is trimmed),\n"+
		"and ends with %s. Text is normalised to %s. Paragraphs over %d bytes are cut at\n"+
		"sentence ends into pieces of at least %d bytes. De-duplication: %s. Validation: %d‰ of\n"+
		"paragraphs, chosen by hash. In the shards every document starts with %s and every paragraph ends with a %s.\n",
		f.MinTokens, 100*f.MinWordShare, f.SentenceEnd, f.Unicode, f.CutAboveBytes, f.CutTargetBytes, f.Dedupe, f.ValPermille,
		f.DocumentStart, f.ParagraphEnding)
	b.WriteString("\n## Left out\n\n| Candidate | Licence | Why |\n|---|---|---|\n")
	for _, e := range m.Excluded {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", e.Package, e.Licence, e.Reason)
	}
	t := m.Tokenizer
	fmt.Fprintf(&b, "\n## Tokenizer\n\n`%s`: byte-level BPE, V=%d (%d merges), %s; SHA-256 `%s`.\n", t.File, t.VocabSize, t.Merges, t.From, t.SHA256)
	b.WriteString("\n## Files\n\n| File | Bytes | Tokens | SHA-256 |\n|---|---:|---:|---|\n")
	for _, fi := range m.Files {
		tokens := "—"
		if _, ok := shard.SplitOf(fi.Name); ok {
			tokens = fmt.Sprint(fi.Tokens)
		}
		fmt.Fprintf(&b, "| %s | %d | %s | `%s` |\n", fi.Name, fi.Bytes, tokens, fi.SHA256)
	}
	return []byte(b.String())
}
