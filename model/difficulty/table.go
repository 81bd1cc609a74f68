package difficulty

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
)

// TableFile is the word table's file name in its directory (data/difficulty).
const TableFile = "words.tsv"

// MinTableWords is the fewest words a usable table has: a table cut short
// would make every sentence look rare.
const MinTableWords = 1000

// Table ranks word families by how common they are: rank 1 is the commonest.
// A family is a base word with its regular inflections (walk, walks,
// walked, walking); irregular forms (went, children) are families of their
// own.
type Table struct {
	rank map[string]int
	size int
}

// LoadTable reads TableFile from fsys (os.DirFS("data/difficulty") in the
// repository).
func LoadTable(fsys fs.FS) (*Table, error) {
	f, err := fsys.Open(TableFile)
	if err != nil {
		return nil, fmt.Errorf("word table: %w (it lives in data/difficulty; rebuild it with `tutor data difficulty`)", err)
	}
	defer f.Close()
	return ReadTable(f)
}

// ReadTable reads a table: one word a line, commonest first; empty lines
// and lines starting with # are skipped, and anything after a tab is a note
// for people.
func ReadTable(r io.Reader) (*Table, error) {
	t := &Table{rank: map[string]int{}}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		word, _, _ := strings.Cut(text, "\t")
		if !PlainWord(word) {
			return nil, fmt.Errorf("word table line %d: %q is not a lower-case word; rebuild the table with `tutor data difficulty`", line, clip(word))
		}
		if _, dup := t.rank[word]; dup {
			return nil, fmt.Errorf("word table line %d: %q is listed twice; rebuild the table with `tutor data difficulty`", line, word)
		}
		t.size++
		t.rank[word] = t.size
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("word table: %w", err)
	}
	if t.size < MinTableWords {
		return nil, fmt.Errorf("word table has %d words, fewer than %d: it is cut short; rebuild it with `tutor data difficulty`", t.size, MinTableWords)
	}
	return t, nil
}

// NewTable makes a table from words, commonest first (for tests and the
// builder).
func NewTable(words []string) (*Table, error) {
	return ReadTable(strings.NewReader(strings.Join(words, "\n")))
}

// Len is the number of word families in the table.
func (t *Table) Len() int { return t.size }

// Rank is the rank of w's family (1 is the commonest), looking an inflected
// form up under its base when the form itself is not listed. known is false
// for a word the table does not have.
func (t *Table) Rank(w string) (rank int, known bool) {
	w = strings.ToLower(w)
	if r, ok := t.rank[w]; ok {
		return r, true
	}
	best := 0
	for _, b := range Bases(w) {
		if r, ok := t.rank[b]; ok && (best == 0 || r < best) {
			best = r
		}
	}
	return best, best > 0
}

// Bases are the words w may be a regular inflection of: plural or third
// person -s/-es/-ies, possessive 's, past -ed/-d/-ied and -ing, with a
// final e restored or a doubled consonant undone. Comparatives and -ly are
// left out on purpose: stripping them makes after → aft and early → ear.
// The builder merges families with the same function, so the table and the
// lookup agree.
func Bases(w string) []string {
	var out []string
	add := func(suffix string, stems func(stem string) []string) {
		if stem, ok := strings.CutSuffix(w, suffix); ok && len(stem) >= 3 {
			for _, s := range stems(stem) {
				if s != w && !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
	}
	same := func(s string) []string { return []string{s} }
	withE := func(s string) []string {
		bs := []string{s, s + "e"}
		if n := len(s); s[n-1] == s[n-2] && !strings.ContainsRune("aeiousl", rune(s[n-1])) {
			bs = append(bs, s[:n-1]) // stopped → stop, but not passed → pas
		}
		return bs
	}
	add("'s", same)
	add("s", func(s string) []string {
		if strings.HasSuffix(s, "s") || strings.HasSuffix(s, "'") {
			return nil // glass, boss, "cats'" are not plurals of glas, bos
		}
		return []string{s}
	})
	add("es", same)
	add("ies", func(s string) []string { return []string{s + "y"} })
	add("ed", withE)
	add("d", func(s string) []string {
		if strings.HasSuffix(s, "e") {
			return []string{s}
		}
		return nil
	})
	add("ied", func(s string) []string { return []string{s + "y"} })
	add("ing", withE)
	return out
}

// PlainWord reports whether w is a word as the table stores it: lower-case
// ASCII letters with at most one inner apostrophe (don't, o'clock).
func PlainWord(w string) bool {
	if w == "" || len(w) > 40 {
		return false
	}
	apostrophes := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'a' && c <= 'z':
		case c == '\'' && i > 0 && i < len(w)-1:
			apostrophes++
		default:
			return false
		}
	}
	return apostrophes <= 1
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
