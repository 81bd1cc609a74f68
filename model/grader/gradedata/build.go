// Package gradedata builds the answer-grading datasets of `tutor data
// grade`: made-up learner answers to the course's exercises, each labelled
// correct, acceptable or wrong, as the classification JSONL that `tutor
// train` reads, in the text grader.FormatInput writes.
//
// Correct answers are references, paraphrases by WordNet synonyms, moved
// time phrases and case or punctuation changes; acceptable answers carry one
// small error from model/gec's generator; wrong answers are other items'
// references, references with three errors or an unrelated content word,
// partial answers and non-answers (docs/GRADING.md). Items are split by
// their first reference, so no test item is trained on; everything random
// comes from the seed and the item, so one seed gives the same bytes.
//
// It imports the standard library, model/gec, model/grader,
// model/atomicfile and model/pkgfetch; it must not import server or app.
package gradedata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/tutor-dev/tutor/model/atomicfile"
	"github.com/tutor-dev/tutor/model/gec"
	"github.com/tutor-dev/tutor/model/grader"
)

// Options say what to build from and how much.
type Options struct {
	Packs   []string // content packs (only those that teach English give items)
	Words   string   // directory of model/gec's word tables (data/errors)
	Lexicon string   // the derived synonym table (data/grade/lexicon.tsv)
	Out     string   // build directory
	TestOut string   // where the committed test set goes ("": only Out)
	// PerLabel is how many answers of each grade an item gets, per split.
	PerLabel map[string]int
	Seed     int64
	Log      io.Writer
}

// DefaultOptions read the English course and write data/grade/build.
func DefaultOptions() Options {
	return Options{
		Packs: []string{"data/content/en-for-zh.json"}, Words: "data/errors", Lexicon: "data/grade/lexicon.tsv",
		Out: "data/grade/build", TestOut: "testdata/grade/synthetic-test.jsonl",
		PerLabel: map[string]int{SplitTrain: 6, SplitVal: 4, SplitTest: 4}, Seed: 1,
	}
}

// Manifest records what a build read and wrote (manifest.json in Out).
type Manifest struct {
	Seed     int64                     `json:"seed"`
	PerLabel map[string]int            `json:"per_label"`
	Items    map[string]map[string]int `json:"items"`    // split -> kind -> items
	Examples map[string]map[string]int `json:"examples"` // split -> grade -> lines
	How      map[string]map[string]int `json:"how"`      // split -> strategy -> lines
	Dropped  map[string]int            `json:"dropped"`  // split -> lines dropped to balance the grades or as duplicates
	Inputs   map[string]string         `json:"inputs"`
}

// Record is one made-up answer with where it came from ({split}-records.jsonl).
type Record struct {
	Item       string     `json:"item"`
	Kind       string     `json:"kind"`
	Exercise   string     `json:"exercise"`
	References []string   `json:"references"`
	Answer     string     `json:"answer"`
	Label      string     `json:"label"`
	How        string     `json:"how"`
	Edits      []gec.Edit `json:"edits,omitempty"`
}

// line is a line of the classification JSONL of `tutor train`.
type line struct {
	Text  string `json:"text"`
	Label string `json:"label"`
}

// Build runs the pipeline and returns its manifest.
func Build(o Options) (*Manifest, error) {
	words, err := gec.LoadLexicon(os.DirFS(o.Words))
	if err != nil {
		return nil, err
	}
	lexData, err := os.ReadFile(o.Lexicon)
	if err != nil {
		return nil, fmt.Errorf("%w; derive it with `tutor data grade --derive-lexicon`", err)
	}
	lex, err := ParseLexicon(lexData)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Lexicon, err)
	}
	m := &Manifest{Seed: o.Seed, PerLabel: o.PerLabel, Items: map[string]map[string]int{}, Examples: map[string]map[string]int{},
		How: map[string]map[string]int{}, Dropped: map[string]int{}, Inputs: map[string]string{o.Lexicon: fmt.Sprintf("%d words", len(lex.pos))}}
	splits := map[string][]Item{}
	for _, pack := range o.Packs {
		data, err := os.ReadFile(pack)
		if err != nil {
			return nil, err
		}
		items, err := ReadItems(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pack, err)
		}
		m.Inputs[pack] = fmt.Sprintf("%d gradable items", len(items))
		for _, it := range items {
			splits[SplitOf(it.Group)] = append(splits[SplitOf(it.Group)], it)
		}
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, err
	}
	gen := gec.NewGenerator(words)
	for _, split := range []string{SplitTrain, SplitVal, SplitTest} {
		items := splits[split]
		if len(items) == 0 {
			return nil, fmt.Errorf("no %s items: the packs %v hold no vocabulary, cloze or translation items with English answers", split, o.Packs)
		}
		mk := &maker{gen: gen, words: words, lex: lex, peers: byKind(items), three: wrongMix(), exact: split == SplitTrain}
		recs, dropped := balance(makeAnswers(mk, items, o.PerLabel[split], o.Seed), o.Seed)
		m.Dropped[split] = dropped
		m.Items[split], m.Examples[split], m.How[split] = countItems(items), map[string]int{}, map[string]int{}
		for _, r := range recs {
			m.Examples[split][r.Label]++
			m.How[split][r.How]++
		}
		if err := writeSplit(o, split, recs); err != nil {
			return nil, err
		}
		logf(o.Log, "%s: %d items, %d answers %v", split, len(items), len(recs), m.Examples[split])
	}
	data, _ := json.MarshalIndent(m, "", "  ")
	return m, atomicfile.Write(filepath.Join(o.Out, "manifest.json"), append(data, '\n'))
}

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", args...)
	}
}

func byKind(items []Item) map[string][]Item {
	out := map[string][]Item{}
	for _, it := range items {
		out[it.Kind] = append(out[it.Kind], it)
	}
	return out
}

func countItems(items []Item) map[string]int {
	out := map[string]int{}
	for _, it := range items {
		out[it.Kind]++
	}
	return out
}

// makeAnswers makes up to perLabel answers of each grade for every item,
// each answer once per item; an answer that two grades made for one item
// is dropped from both. Each item draws from its own generator seeded by
// seed and its id, so items do not disturb each other.
func makeAnswers(mk *maker, items []Item, perLabel int, seed int64) []Record {
	var out []Record
	for _, it := range items {
		rng := rand.New(rand.NewPCG(uint64(seed), hash64(it.ID)))
		byText := map[string]Answer{}
		var order []string
		for _, label := range grader.Labels {
			for _, a := range mk.answers(it, label, perLabel, rng) {
				key := grader.Normalize(a.Text)
				if prev, seen := byText[key]; seen {
					if prev.Label != a.Label {
						prev.Label = "" // two grades for one answer: keep neither
						byText[key] = prev
					}
					continue
				}
				byText[key] = a
				order = append(order, key)
			}
		}
		for _, key := range order {
			if a := byText[key]; a.Label != "" {
				out = append(out, Record{Item: it.ID, Kind: it.Kind, Exercise: it.Exercise, References: it.References,
					Answer: a.Text, Label: a.Label, How: a.How, Edits: a.Edits})
			}
		}
	}
	return out
}

// answers makes up to n distinct answers of one grade, each by a strategy
// drawn by weight among the grade's.
func (mk *maker) answers(it Item, label string, n int, rng *rand.Rand) []Answer {
	var pool []strategy
	for _, s := range strategies {
		if s.label == label && (mk.exact || s.how != HowReference) {
			pool = append(pool, s)
		}
	}
	seen := map[string]bool{}
	var out []Answer
	for tries := 0; len(out) < n && tries < 12*n; tries++ {
		s := drawStrategy(pool, rng)
		a, ok := s.make(mk, it, rng)
		if !ok || a.Text == "" || seen[a.Text] {
			continue
		}
		seen[a.Text] = true
		out = append(out, a)
	}
	return out
}

func drawStrategy(pool []strategy, rng *rand.Rand) strategy {
	total := 0.0
	for _, s := range pool {
		total += s.weight
	}
	x := rng.Float64() * total
	for _, s := range pool {
		if x -= s.weight; x < 0 {
			return s
		}
	}
	return pool[len(pool)-1]
}

// balance keeps, for each kind of exercise, the same number of answers of
// each grade (the rarest grade's count), dropping a seeded random choice
// of the others, so that neither the split nor a kind leans to a grade.
// The lines come out shuffled, so that a validation prefix sees every
// grade.
func balance(recs []Record, seed int64) ([]Record, int) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6a6164))
	rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	count := map[[2]string]int{}
	for _, r := range recs {
		count[[2]string{r.Kind, r.Label}]++
	}
	least := map[string]int{}
	for _, r := range recs {
		n := len(recs)
		for _, l := range grader.Labels {
			n = min(n, count[[2]string{r.Kind, l}])
		}
		least[r.Kind] = n
	}
	kept := map[[2]string]int{}
	var out []Record
	for _, r := range recs {
		k := [2]string{r.Kind, r.Label}
		if kept[k] < least[r.Kind] {
			kept[k]++
			out = append(out, r)
		}
	}
	return out, len(recs) - len(out)
}

// writeSplit writes {split}.jsonl (text and label) and
// {split}-records.jsonl (how each answer was made), and the committed
// test set with its records.
func writeSplit(o Options, split string, recs []Record) error {
	var lines, records bytes.Buffer
	// Unescaped, so that "change: boook > book" reads as it is.
	linesOut, recordsOut := json.NewEncoder(&lines), json.NewEncoder(&records)
	linesOut.SetEscapeHTML(false)
	recordsOut.SetEscapeHTML(false)
	for _, r := range recs {
		if err := linesOut.Encode(line{Text: grader.FormatInput(r.Exercise, r.References, r.Answer), Label: r.Label}); err != nil {
			return err
		}
		if err := recordsOut.Encode(r); err != nil {
			return err
		}
	}
	if err := atomicfile.Write(filepath.Join(o.Out, split+".jsonl"), lines.Bytes()); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(o.Out, split+"-records.jsonl"), records.Bytes()); err != nil {
		return err
	}
	if split == SplitTest && o.TestOut != "" {
		if err := os.MkdirAll(filepath.Dir(o.TestOut), 0o755); err != nil {
			return err
		}
		if err := atomicfile.Write(o.TestOut, lines.Bytes()); err != nil {
			return err
		}
		return atomicfile.Write(TestRecordsPath(o.TestOut), records.Bytes())
	}
	return nil
}

// TestRecordsPath is where the records of the committed test set go, next
// to it: synthetic-test.jsonl -> synthetic-test.records.jsonl.
func TestRecordsPath(testOut string) string {
	return strings.TrimSuffix(testOut, ".jsonl") + ".records.jsonl"
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
