package corpus

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// wordNetPOS names the synset types of WordNet's data files.
var wordNetPOS = map[string]string{"n": "noun", "v": "verb", "a": "adjective", "s": "adjective", "r": "adverb"}

// extractWordNet turns every synset of WordNet's data.* files into one
// paragraph: its words, part of speech, definition and examples, e.g.
//
//	kill (noun): the destruction of an enemy plane or ship or tank or missile. Example: "the pilot reported two kills during the mission".
//	whole, unit (noun): an assemblage of parts that is regarded as a single entity. Examples: "how big is that part compared to the whole?"; "the team is a unit".
//
// One document per file. The licence text at the top of each file (lines
// that start with a space) is skipped.
func extractWordNet(files []File) ([]Document, error) {
	var docs []Document
	for _, f := range files {
		var paras []string
		for n, line := range strings.Split(string(f.Data), "\n") {
			if line == "" || line[0] == ' ' {
				continue
			}
			p, err := wordNetParagraph(line)
			if err != nil {
				return nil, fmt.Errorf("%s line %d: %w", f.Path, n+1, err)
			}
			paras = append(paras, p)
		}
		docs = append(docs, Document{Name: path.Base(f.Path), Paragraphs: paras})
	}
	return docs, nil
}

// wordNetParagraph reads one data line (wndb(5WN)):
//
//	synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] [frames...] | gloss
func wordNetParagraph(line string) (string, error) {
	head, gloss, ok := strings.Cut(line, " | ")
	if !ok {
		return "", fmt.Errorf("no gloss (no \" | \")")
	}
	f := strings.Fields(head)
	if len(f) < 4 {
		return "", fmt.Errorf("%d fields before the gloss, want at least 4", len(f))
	}
	pos, ok := wordNetPOS[f[2]]
	if !ok {
		return "", fmt.Errorf("unknown synset type %q", f[2])
	}
	n, err := strconv.ParseUint(f[3], 16, 8)
	if err != nil || n == 0 || len(f) < 4+2*int(n) {
		return "", fmt.Errorf("bad word count %q", f[3])
	}
	words := make([]string, n)
	for i := range words {
		words[i] = wordNetLemma(f[4+2*i])
	}
	// WordNet quotes words as `this'; a backtick is no English punctuation.
	definition, examples := splitGloss(strings.ReplaceAll(strings.TrimSpace(gloss), "`", "'"))
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", strings.Join(words, ", "), pos, definition)
	if !endsSentence(definition) {
		b.WriteByte('.')
	}
	switch len(examples) {
	case 0:
		return b.String(), nil
	case 1:
		b.WriteString(" Example: ")
	default:
		b.WriteString(" Examples: ")
	}
	b.WriteString(`"` + strings.Join(examples, `"; "`) + `"`)
	if !endsSentence(examples[len(examples)-1]) {
		b.WriteByte('.')
	}
	return b.String(), nil
}

// wordNetLemma writes a lemma as text: spaces for underscores, without the
// adjective position marks (a), (p) and (ip).
func wordNetLemma(w string) string {
	if i := strings.IndexByte(w, '('); i > 0 && strings.HasSuffix(w, ")") {
		w = w[:i]
	}
	return strings.ReplaceAll(w, "_", " ")
}

// splitGloss separates a gloss into its definition and its quoted usage
// examples; the parts are separated by "; " outside quotes.
func splitGloss(g string) (definition string, examples []string) {
	var defs, parts []string
	inQuote, start := false, 0
	for i := 0; i < len(g); i++ {
		switch {
		case g[i] == '"':
			inQuote = !inQuote
		case g[i] == ';' && !inQuote:
			parts = append(parts, g[start:i])
			start = i + 1
		}
	}
	parts = append(parts, g[start:])
	for _, p := range parts {
		p = strings.TrimSpace(p)
		switch {
		case p == "":
		case strings.HasPrefix(p, `"`):
			if e := strings.TrimSpace(strings.Trim(p, `"`)); e != "" {
				examples = append(examples, e)
			}
		default:
			defs = append(defs, p)
		}
	}
	return strings.Join(defs, "; "), examples
}
