// Package gecdata builds the grammar-error datasets of `tutor data gec`:
// learner-like sentences from the pre-training corpus and the course,
// split by sentence into training, validation and test pools, spoiled by
// model/gec's generator, and written as examples (JSONL with edits) and as
// the tagging JSONL that `tutor train` reads.
//
// It is one straight pipeline, deterministic in its inputs and seed. It
// imports the standard library and model/gec and model/atomicfile; it must
// not import server or app.
package gecdata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"

	"github.com/tutor-dev/tutor/model/atomicfile"
	"github.com/tutor-dev/tutor/model/gec"
)

// Options says what to build from and how much.
type Options struct {
	CorpusText string   // train.txt of `tutor data corpus` (one paragraph a line)
	Packs      []string // content packs whose sentences join the pools
	Lexicon    string   // data/errors
	Out        string   // build directory
	TestOut    string   // where the committed synthetic test set goes ("" : only Out)

	TrainExamples, ValExamples, TestExamples int
	// CourseRepeat is how many times each course sentence enters the
	// training pool: the course's English is what learners imitate.
	CourseRepeat int
	Seed         int64
	Mix          gec.Mix
	Log          io.Writer
}

// DefaultOptions builds 200,000 training examples and 2,000 each for
// validation and test from the usual places.
func DefaultOptions() Options {
	return Options{
		CorpusText: "data/corpus/build/train.txt", Packs: []string{"data/content/en-for-zh.json"},
		Lexicon: "data/errors", Out: "data/gec/build", TestOut: "testdata/gec/synthetic-test.jsonl",
		TrainExamples: 200000, ValExamples: 2000, TestExamples: 2000, CourseRepeat: 10, Seed: 1, Mix: gec.DefaultMix(),
	}
}

// Manifest records what a build read and wrote (manifest.json in Out).
type Manifest struct {
	Seed      int64                     `json:"seed"`
	Mix       gec.Mix                   `json:"mix"`
	Sentences map[string]int            `json:"sentences"` // per pool
	Examples  map[string]int            `json:"examples"`  // per split
	Tagging   map[string]int            `json:"tagging"`   // lines per split
	Skipped   map[string]int            `json:"skipped"`   // examples no tag expresses, per split
	Edits     map[string]map[string]int `json:"edits"`     // gold edits per split and error type
	Labels    []string                  `json:"labels"`    // the tag set of tagging-train.jsonl
	Inputs    map[string]string         `json:"inputs"`    // each input file and what was taken from it
}

// Pools of sentences: a sentence belongs to one pool only, chosen by its
// hash, so no test sentence is ever trained on.
const (
	poolTrain = "train"
	poolVal   = "val"
	poolTest  = "test"
)

// editsByType counts the gold edits of each error type.
func editsByType(exs []gec.Example) map[string]int {
	n := map[string]int{}
	for _, ex := range exs {
		for _, e := range ex.Edits {
			n[e.Type]++
		}
	}
	return n
}

func poolOf(sentence string) string {
	h := fnv.New32a()
	h.Write([]byte(sentence))
	switch h.Sum32() % 100 {
	case 0:
		return poolTest
	case 1:
		return poolVal
	}
	return poolTrain
}

// Build runs the pipeline and returns its manifest.
func Build(o Options) (*Manifest, error) {
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	lx, err := gec.LoadLexicon(os.DirFS(o.Lexicon))
	if err != nil {
		return nil, err
	}
	pools, inputs, err := readPools(o, lx)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Seed: o.Seed, Mix: o.Mix, Sentences: map[string]int{}, Examples: map[string]int{},
		Tagging: map[string]int{}, Skipped: map[string]int{}, Edits: map[string]map[string]int{}, Inputs: inputs}
	for name, p := range pools {
		m.Sentences[name] = len(p)
	}
	logf("sentences: %d train, %d validation, %d test", len(pools[poolTrain]), len(pools[poolVal]), len(pools[poolTest]))
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, err
	}
	g, tg := gec.NewGenerator(lx), gec.NewTagger(lx)
	splits := []struct {
		pool string
		n    int
		seed int64
	}{{poolTrain, o.TrainExamples, o.Seed}, {poolVal, o.ValExamples, o.Seed + 1}, {poolTest, o.TestExamples, o.Seed + 2}}
	examples := map[string][]gec.Example{}
	for _, s := range splits {
		exs := g.GenerateDataset(pools[s.pool], s.n, s.seed, o.Mix)
		if len(exs) == 0 {
			return nil, fmt.Errorf("the %s pool gave no examples; is %s the corpus text of `tutor data corpus`?", s.pool, o.CorpusText)
		}
		examples[s.pool] = exs
		m.Examples[s.pool] = len(exs)
		m.Edits[s.pool] = editsByType(exs)
		if err := writeExamples(filepath.Join(o.Out, s.pool+".jsonl"), exs); err != nil {
			return nil, err
		}
		logf("%s: %d examples", s.pool, len(exs))
	}
	if o.TestOut != "" {
		if err := writeExamples(o.TestOut, examples[poolTest]); err != nil {
			return nil, err
		}
	}
	if err := writeTaggingSplits(o.Out, examples, tg, m); err != nil {
		return nil, err
	}
	data, _ := json.MarshalIndent(m, "", "  ")
	return m, atomicfile.Write(filepath.Join(o.Out, "manifest.json"), append(data, '\n'))
}

// readPools reads the corpus and course sentences into the three pools.
func readPools(o Options, lx *gec.Lexicon) (map[string][]string, map[string]string, error) {
	inputs := map[string]string{}
	f, err := os.Open(o.CorpusText)
	if err != nil {
		return nil, nil, fmt.Errorf("%w; build the corpus first with `tutor data corpus`", err)
	}
	defer f.Close()
	sentences, err := gec.CorpusSentences(f, lx, gec.DefaultSentenceFilter())
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", o.CorpusText, err)
	}
	inputs[o.CorpusText] = fmt.Sprintf("%d sentences kept", len(sentences))
	pools := map[string][]string{}
	for _, s := range sentences {
		pools[poolOf(s)] = append(pools[poolOf(s)], s)
	}
	for _, pack := range o.Packs {
		data, err := os.ReadFile(pack)
		if err != nil {
			return nil, nil, err
		}
		course, err := gec.CourseSentences(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", pack, err)
		}
		inputs[pack] = fmt.Sprintf("%d sentences", len(course))
		for _, s := range course {
			p := poolOf(s)
			for k := 0; k < max(1, o.CourseRepeat) && (k == 0 || p == poolTrain); k++ {
				pools[p] = append(pools[p], s)
			}
		}
	}
	return pools, inputs, nil
}

// writeTaggingSplits writes tagging-train.jsonl and tagging-val.jsonl
// (and tagging-test.jsonl). The label set is the training split's;
// validation and test lines with a tag training never shows are left out
// (and counted as skipped), since a head cannot predict them.
func writeTaggingSplits(out string, examples map[string][]gec.Example, tg *gec.Tagger, m *Manifest) error {
	var known map[string]int
	for _, pool := range []string{poolTrain, poolVal, poolTest} {
		var buf bytes.Buffer
		st, err := gec.WriteTagging(&buf, examples[pool], tg)
		if err != nil {
			return err
		}
		data := buf.Bytes()
		if pool == poolTrain {
			known = st.Labels
			m.Labels = st.SortedLabels()
		} else {
			var dropped int
			data, dropped = keepKnownLabels(data, known)
			st.Skipped += dropped
			st.Lines -= dropped
		}
		m.Tagging[pool] = st.Lines
		m.Skipped[pool] = st.Skipped
		if err := atomicfile.Write(filepath.Join(out, "tagging-"+pool+".jsonl"), data); err != nil {
			return err
		}
	}
	labels, _ := json.Marshal(m.Labels)
	return atomicfile.Write(filepath.Join(out, "labels.json"), append(labels, '\n'))
}

// keepKnownLabels drops the tagging lines that carry a tag not in known.
func keepKnownLabels(jsonl []byte, known map[string]int) ([]byte, int) {
	var out bytes.Buffer
	dropped := 0
	for _, line := range bytes.SplitAfter(jsonl, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var t gec.Tagged
		if json.Unmarshal(line, &t) != nil {
			continue
		}
		ok := true
		for _, tag := range t.Tags {
			if _, seen := known[tag]; !seen {
				ok = false
				break
			}
		}
		if !ok {
			dropped++
			continue
		}
		out.Write(line)
	}
	return out.Bytes(), dropped
}

func writeExamples(path string, exs []gec.Example) error {
	var buf bytes.Buffer
	if err := gec.WriteExamples(&buf, exs); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}
