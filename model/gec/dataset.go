package gec

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
)

// datasetSalt keeps a dataset's random stream apart from other uses of the
// same seed.
const datasetSalt = 0x6765632d64617461 // "gec-data"

// GenerateDataset makes n examples from sentences: it walks the sentences
// in an order shuffled by seed, again and again if n needs it (each visit
// draws new errors), and corrupts each as mix says. The same sentences,
// n, seed and mix always give the same examples. It returns fewer than n
// only when no sentence can be used at all.
func (g *Generator) GenerateDataset(sentences []string, n int, seed int64, mix Mix) []Example {
	if n <= 0 || len(sentences) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(seed), datasetSalt))
	order := rng.Perm(len(sentences))
	out := make([]Example, 0, n)
	for len(out) < n {
		before := len(out)
		for _, i := range order {
			if ex, ok := g.Corrupt(sentences[i], rng, mix); ok {
				out = append(out, ex)
				if len(out) == n {
					break
				}
			}
		}
		if len(out) == before {
			break // no sentence gives an example
		}
	}
	return out
}

// WriteExamples writes examples as JSON lines: {"corrupted","correct","edits"}.
func WriteExamples(w io.Writer, exs []Example) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, ex := range exs {
		if ex.Edits == nil {
			ex.Edits = []Edit{} // "edits": [] rather than null, for readers in other languages
		}
		if err := enc.Encode(ex); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ReadExamples reads JSON lines written by WriteExamples, checking that
// every line's edits turn its corrupted text into its correct text.
func ReadExamples(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	for line := 1; sc.Scan(); line++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var ex Example
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ex); err != nil {
			return nil, fmt.Errorf("line %d: %v; each line is {\"corrupted\", \"correct\", \"edits\"}", line, err)
		}
		if err := ex.Check(); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, ex)
	}
	return out, sc.Err()
}

// TaggingStats counts what WriteTagging wrote.
type TaggingStats struct {
	Examples int            // examples read
	Lines    int            // tagging lines written (an example gives one per pass)
	Skipped  int            // examples whose corrections no tag expresses
	Labels   map[string]int // how often each tag was written
}

// WriteTagging writes the tagging passes of the examples as the JSONL that
// `tutor train` reads for a tagging head ({"text", "tags"}), skipping (and
// counting) examples that no tags express.
func WriteTagging(w io.Writer, exs []Example, tg *Tagger) (TaggingStats, error) {
	st := TaggingStats{Labels: map[string]int{}}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, ex := range exs {
		st.Examples++
		passes, err := tg.ToTagging(ex)
		if err != nil {
			st.Skipped++
			continue
		}
		for _, p := range passes {
			if err := enc.Encode(p); err != nil {
				return st, err
			}
			st.Lines++
			for _, t := range p.Tags {
				st.Labels[t]++
			}
		}
	}
	return st, bw.Flush()
}

// SortedLabels is the tags of st in order, for a training config's
// "labels" (train and validation sets then share one label list).
func (st TaggingStats) SortedLabels() []string {
	out := make([]string, 0, len(st.Labels))
	for l := range st.Labels {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}
