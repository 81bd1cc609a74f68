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

// GenerateDataset makes n examples from sentences, the same ones for the
// same sentences, n, seed and mix.
//
// Corrupt alone draws an error's type among the types one sentence
// offers, and sentences offer some types far more often than others:
// nearly every sentence has a word to misspell, few have "yesterday" for a
// tense error. A dataset made that way would hold a tenth of the tense
// errors the mix asks for. So GenerateDataset draws each example's first
// error type from mix.Types over all types and then takes the next
// sentence (in an order shuffled by seed, cycling) that offers it; further
// errors are drawn among what that sentence offers. The first errors thus
// follow the mix exactly and all errors approximately, at the price of
// reusing the sentences of rare types more often. A type no sentence
// offers is left out. It returns fewer than n examples only when no
// sentence can be used at all.
func (g *Generator) GenerateDataset(sentences []string, n int, seed int64, mix Mix) []Example {
	if n <= 0 || len(sentences) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(seed), datasetSalt))
	d := &draw{g: g, sentences: sentences, order: rng.Perm(len(sentences)), mix: mix,
		offers: make([]map[string]bool, len(sentences)), cursor: map[string]int{}, exhausted: map[string]bool{}}
	out := make([]Example, 0, n)
	for len(out) < n {
		if rng.Float64() < mix.Clean {
			s, ok := d.next("")
			if !ok {
				break
			}
			out = append(out, Example{Corrupted: s.text, Correct: s.text})
			continue
		}
		t, ok := d.pickType(rng)
		if !ok {
			break
		}
		errors := 1 + pickWeighted(rng, mix.Errors[:])
		if ex, ok := d.example(t, errors, rng); ok {
			out = append(out, ex)
		} else {
			d.exhausted[t] = true
		}
	}
	return out
}

// example makes an example whose first error is of type t from the next
// sentence that offers it. A sentence found to offer t can still fail to
// give it (a misspelling is drawn at random), so it tries the sentences
// after it, each at most once, before it gives up on t.
func (d *draw) example(t string, errors int, rng *rand.Rand) (Example, bool) {
	for tries := 0; tries < len(d.order); tries++ {
		s, ok := d.next(t)
		if !ok {
			return Example{}, false
		}
		if ex, ok := d.g.corrupt(s, rng, d.mix, errors, t); ok {
			return ex, true
		}
	}
	return Example{}, false
}

// draw is GenerateDataset's walk through the sentences: a cursor per error
// type (and "" for clean examples), and what each sentence offers, found
// when the walk first reaches it.
type draw struct {
	g         *Generator
	sentences []string
	order     []int
	mix       Mix
	offers    []map[string]bool // nil until looked at; usable sentences have a non-nil map
	looked    []bool
	cursor    map[string]int
	exhausted map[string]bool
}

// pickType draws a weighed type that some sentence may still offer.
func (d *draw) pickType(rng *rand.Rand) (string, bool) {
	var types []string
	var weights []float64
	for _, t := range Types {
		if w := d.mix.Types[t]; w > 0 && !d.exhausted[t] {
			types = append(types, t)
			weights = append(weights, w)
		}
	}
	if len(types) == 0 {
		return "", false
	}
	return types[pickWeighted(rng, weights)], true
}

// next returns the next sentence after typ's cursor that offers typ (any
// usable sentence for ""), false when none does.
func (d *draw) next(typ string) (*sentence, bool) {
	for k := 0; k < len(d.order); k++ {
		pos := d.cursor[typ]
		d.cursor[typ] = (pos + 1) % len(d.order)
		i := d.order[pos]
		offers := d.offered(i)
		if offers == nil || typ != "" && !offers[typ] {
			continue
		}
		s, _ := d.g.prepare(d.sentences[i])
		return s, true
	}
	return nil, false
}

// offered is the set of types sentence i offers (nil when it is unusable).
// It does not touch the dataset's random stream: the candidates are found
// with a generator of the sentence's own.
func (d *draw) offered(i int) map[string]bool {
	if d.looked == nil {
		d.looked = make([]bool, len(d.sentences))
	}
	if d.looked[i] {
		return d.offers[i]
	}
	d.looked[i] = true
	s, ok := d.g.prepare(d.sentences[i])
	if !ok {
		return nil
	}
	offers := map[string]bool{}
	for t, cs := range d.g.candidates(s, rand.New(rand.NewPCG(uint64(i), datasetSalt)), d.mix) {
		offers[t] = len(cs) > 0
	}
	d.offers[i] = offers
	return offers
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
