package train

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/tokenizer"
)

// Example is one line of a labelled JSONL file. For classification it has
// Text and Label; for tagging, Text and one tag per word of Text (words
// are separated by white space).
type Example struct {
	Text  string   `json:"text"`
	Label string   `json:"label,omitempty"`
	Tags  []string `json:"tags,omitempty"`
}

// example is an Example in token ids. Every sequence starts with the
// end-of-text token, as every document of pre-training does.
type example struct {
	tokens []int32
	label  int32   // classification: the class
	tags   []int32 // tagging: (len(tokens)) each word's tag at its first token, IgnoreIndex elsewhere
}

// readExamples reads a labelled JSONL file, checking every line against
// the head's schema.
func readExamples(path, head string) ([]Example, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("labelled data: %w", err)
	}
	var out []Example
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for line := 1; sc.Scan(); line++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var ex Example
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ex); err != nil {
			return nil, fmt.Errorf("%s:%d: %v; each line must be %s", path, line, err, schemaOf(head))
		}
		if err := ex.check(head); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no examples; each line must be %s", path, schemaOf(head))
	}
	return out, nil
}

func schemaOf(head string) string {
	if head == HeadTagging {
		return `{"text": "words separated by spaces", "tags": ["one tag", "per word", ...]}`
	}
	return `{"text": "...", "label": "..."}`
}

func (ex Example) check(head string) error {
	if strings.TrimSpace(ex.Text) == "" {
		return errors.New(`"text" is empty`)
	}
	if head == HeadTagging {
		if ex.Label != "" {
			return errors.New(`a tagging example has "tags" (one per word), not "label"`)
		}
		if n := len(strings.Fields(ex.Text)); len(ex.Tags) != n {
			return fmt.Errorf(`"text" has %d words but "tags" has %d; give one tag per white-space-separated word`, n, len(ex.Tags))
		}
		return nil
	}
	if len(ex.Tags) > 0 {
		return errors.New(`a classification example has one "label", not "tags"`)
	}
	if ex.Label == "" {
		return errors.New(`"label" is missing or empty`)
	}
	return nil
}

// labelsOf is the labels of the examples, sorted.
func labelsOf(exs []Example) []string {
	seen := map[string]bool{}
	for _, ex := range exs {
		seen[ex.Label] = true
		for _, t := range ex.Tags {
			seen[t] = true
		}
	}
	delete(seen, "")
	return slices.Sorted(maps.Keys(seen))
}

// encodeExamples turns examples into token ids and label indices. Texts
// longer than T tokens are cut (a tagged text loses its last words); the
// count of cut examples is returned for the log.
func encodeExamples(exs []Example, head string, labels []string, tok *tokenizer.Tokenizer, T int, file string) ([]example, int, error) {
	index := map[string]int32{}
	for i, l := range labels {
		index[l] = int32(i)
	}
	lookup := func(l string, i int) (int32, error) {
		y, ok := index[l]
		if !ok {
			return 0, fmt.Errorf("%s: example %d has label %q, which is not one of %s; add it to \"labels\" or fix the data", file, i+1, l, strings.Join(labels, ", "))
		}
		return y, nil
	}
	out := make([]example, len(exs))
	cut := 0
	for i, ex := range exs {
		e := example{tokens: []int32{tokenizer.EndOfText}}
		if head == HeadTagging {
			var firsts []int
			e.tokens, firsts = EncodeWords(tok, strings.Fields(ex.Text))
			e.tags = make([]int32, len(e.tokens))
			fill(e.tags, model.IgnoreIndex)
			for w, at := range firsts {
				y, err := lookup(ex.Tags[w], i)
				if err != nil {
					return nil, 0, err
				}
				if at >= 0 {
					e.tags[at] = y
				}
			}
		} else {
			y, err := lookup(ex.Label, i)
			if err != nil {
				return nil, 0, err
			}
			e.label = y
			for _, id := range tok.Encode(ex.Text) {
				e.tokens = append(e.tokens, int32(id))
			}
		}
		if len(e.tokens) > T {
			cut++
			e.tokens = e.tokens[:T]
			if e.tags != nil {
				e.tags = e.tags[:T]
			}
		}
		out[i] = e
	}
	return out, cut, nil
}

// EncodeWords is how a tagging model reads words: the end-of-text token,
// then each word's tokens, every word after the first with a space before
// it (as the words stand in the text). firsts[w] is the position of word
// w's first token, where its tag is read; -1 for a word with no token.
// Training and the grammar checker both encode through here, so that the
// checker asks the model exactly what it was trained on.
func EncodeWords(tok *tokenizer.Tokenizer, words []string) (tokens []int32, firsts []int) {
	tokens = []int32{tokenizer.EndOfText}
	firsts = make([]int, len(words))
	var ids []int
	for w, word := range words {
		if w > 0 {
			word = " " + word
		}
		ids = tok.AppendEncode(ids[:0], word)
		firsts[w] = -1
		if len(ids) > 0 {
			firsts[w] = len(tokens)
		}
		for _, id := range ids {
			tokens = append(tokens, int32(id))
		}
	}
	return tokens, firsts
}

// labelledData is fine-tuning data: examples padded into batches of B, as
// long as their longest member. An epoch visits every training example
// once in an order drawn from the seed and the epoch number.
type labelledData struct {
	head         string
	labels       []string
	train, val   []example
	B            int
	seed         uint64
	evalExamples int
	base         *unigram // label frequencies of the training data

	order      []int
	orderEpoch int
	tokens     []int32 // (B,T) batch buffers, reused
	targets    []int32 // (B,T) tagging, (B) classification
	valid      []int   // (B)
}

func newLabelledData(train, val []example, head string, labels []string, B, T, evalBatches int, seed uint64) *labelledData {
	d := &labelledData{head: head, labels: labels, train: train, val: val, B: B, seed: seed, orderEpoch: -1,
		tokens: make([]int32, B*T), targets: make([]int32, B*T), valid: make([]int, B), evalExamples: len(val)}
	if evalBatches > 0 {
		d.evalExamples = min(len(val), evalBatches*B)
	}
	if train != nil {
		counts := make([]int64, len(labels))
		for _, e := range train {
			for _, y := range d.targetsOf(e) {
				if y != model.IgnoreIndex {
					counts[y]++
				}
			}
		}
		d.base = newUnigram(counts)
	}
	return d
}

// targetsOf is an example's targets: its class, or its tags.
func (d *labelledData) targetsOf(e example) []int32 {
	if d.head == HeadTagging {
		return e.tags
	}
	return []int32{e.label}
}

func (d *labelledData) task() model.Task {
	if d.head == HeadTagging {
		return model.TaskTag
	}
	return model.TaskClassify
}

func (d *labelledData) examplesPerEpoch() int { return len(d.train) }

func (d *labelledData) example(p int) example {
	n := len(d.train)
	epoch := p / n
	if epoch != d.orderEpoch {
		rng := rand.New(rand.NewPCG(d.seed^saltOrder, uint64(epoch)))
		d.order, d.orderEpoch = rng.Perm(n), epoch
	}
	return d.train[d.order[p%n]]
}

// batch is the training batch of step (1-based).
func (d *labelledData) batch(step int) (model.Batch, error) {
	exs := make([]example, d.B)
	for s := range d.B {
		exs[s] = d.example((step-1)*d.B + s)
	}
	return d.pack(exs), nil
}

// pack pads examples into one batch: T is the longest, the rest is padding
// that Valid hides.
func (d *labelledData) pack(exs []example) model.Batch {
	B, T := len(exs), 0
	for _, e := range exs {
		T = max(T, len(e.tokens))
	}
	b := model.Batch{Task: d.task(), B: B, T: T, Tokens: d.tokens[:B*T], Valid: d.valid[:B]}
	for s, e := range exs {
		row := b.Tokens[s*T : (s+1)*T]
		n := copy(row, e.tokens)
		fill(row[n:], tokenizer.Pad)
		b.Valid[s] = n
	}
	if d.head == HeadTagging {
		b.Targets = d.targets[:B*T]
		for s, e := range exs {
			row := b.Targets[s*T : (s+1)*T]
			n := copy(row, e.tags)
			fill(row[n:], model.IgnoreIndex)
		}
	} else {
		b.Targets = d.targets[:B]
		for s, e := range exs {
			b.Targets[s] = e.label
		}
	}
	return b
}

func fill(s []int32, v int32) {
	for i := range s {
		s[i] = v
	}
}

func (d *labelledData) tokensIn(b model.Batch) int {
	n := 0
	for _, v := range b.Valid {
		n += v
	}
	return n
}

// evaluate scores the validation examples: the mean loss per target, the
// label-frequency baseline, and the classification report of the argmax
// predictions.
func (d *labelledData) evaluate(m *model.Model) (evaluation, error) {
	var ev evaluation
	var sum, baseSum float64
	var truth, pred []int32
	for first := 0; first < d.evalExamples; first += d.B {
		b := d.pack(d.val[first:min(first+d.B, d.evalExamples)])
		l, err := m.Forward(b)
		if err != nil {
			return ev, err
		}
		out, width := m.Output(), len(d.labels)
		scored := 0
		for i, y := range b.Targets {
			if y == model.IgnoreIndex {
				continue
			}
			scored++
			baseSum += d.base.cost(y)
			truth = append(truth, y)
			pred = append(pred, argmax(out[i*width:(i+1)*width]))
		}
		sum += float64(l) * float64(scored)
		ev.Targets += scored
	}
	if ev.Targets == 0 {
		return ev, errors.New("validation scored nothing; add validation examples")
	}
	ev.Loss = sum / float64(ev.Targets)
	if d.base != nil {
		ev.Baseline = baseSum / float64(ev.Targets)
	}
	ev.Report = NewClassReport(d.labels, truth, pred)
	return ev, nil
}

func argmax(x []float32) int32 {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return int32(best)
}
