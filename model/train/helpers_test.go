package train

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model"
)

var (
	update = flag.Bool("update", false, "rewrite the fixtures in ../../testdata/ (tokenizer, labelled data, tiny model, golden text)")
	long   = flag.Bool("long", false, "also run the long tests (the whole of testdata/train-tiny.json, about half a minute)")
)

// testdata is the repository's testdata directory, where the tiny run's
// config, text, tokenizer and checkpoint live.
func testdata(name string) string { return filepath.Join("..", "..", "testdata", name) }

// tinyConfig is testdata/train-tiny.json shortened for a test: steps and
// eval_every as given.
func tinyConfig(t testing.TB, steps, every int) *Config {
	t.Helper()
	cfg, err := LoadConfig(testdata("train-tiny.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Steps, cfg.EvalEvery = steps, every
	return cfg
}

// configFrom parses a config written in a test, with paths relative to
// the repository's testdata directory.
func configFrom(t testing.TB, text string) *Config {
	t.Helper()
	cfg, err := ParseConfig([]byte(text), testdata(""))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	return cfg
}

// runTraining trains cfg into out and returns the report and each step's
// loss.
func runTraining(t testing.TB, cfg *Config, out string, resume bool) (*Report, map[int]float64) {
	t.Helper()
	return runTrainingWith(t, cfg, out, resume, nil)
}

// runTrainingWith is runTraining computing with ops (nil: the default).
func runTrainingWith(t testing.TB, cfg *Config, out string, resume bool, ops *model.Ops) (*Report, map[int]float64) {
	t.Helper()
	losses := map[int]float64{}
	var log bytes.Buffer
	rep, err := Run(context.Background(), cfg, Options{Out: out, Resume: resume, Progress: &log, ops: ops,
		OnStep: func(step int, loss float64) { losses[step] = loss }})
	if err != nil {
		t.Fatalf("%v\nlog:\n%s", err, log.String())
	}
	return rep, losses
}

// The synthetic labelled data: sentences in the vocabulary of the tiny
// model's text, each about a person who is pleased, displeased or simply
// somewhere. The classification label is that feeling; the tags mark the
// names and the feeling words.
var (
	names    = []string{"Emma", "Harriet", "Mr. Knightley", "Mrs. Weston", "Miss Bates", "Mr. Elton", "Jane"}
	feelings = map[string][]string{
		"positive": {"delighted", "happy", "pleased", "glad", "charmed"},
		"negative": {"angry", "vexed", "unhappy", "distressed", "sorry"},
		"neutral":  {"at home", "in the garden", "at Hartfield", "at the window", "in the carriage"},
	}
	tails = []string{"today.", "this morning.", "after dinner.", "with her father.", "all evening.", "again."}
)

// syntheticExamples draws n examples for head with a seeded generator.
func syntheticExamples(n int, seed uint64, head string) []Example {
	rng := rand.New(rand.NewPCG(seed, 7))
	labels := []string{"negative", "neutral", "positive"}
	out := make([]Example, n)
	for i := range out {
		label := labels[rng.IntN(len(labels))]
		name := names[rng.IntN(len(names))]
		feeling := feelings[label][rng.IntN(len(feelings[label]))]
		tail := tails[rng.IntN(len(tails))]
		text := fmt.Sprintf("%s was %s %s", name, feeling, tail)
		if head == HeadClassification {
			out[i] = Example{Text: text, Label: label}
			continue
		}
		var tags []string
		add := func(phrase, tag string) {
			for range strings.Fields(phrase) {
				tags = append(tags, tag)
			}
		}
		add(name, "NAME")
		add("was", "O")
		if label == "neutral" {
			add(feeling, "O")
		} else {
			add(feeling, "FEELING")
		}
		add(tail, "O")
		out[i] = Example{Text: text, Tags: tags}
	}
	return out
}

func writeJSONL(t testing.TB, path string, exs []Example) {
	t.Helper()
	var b bytes.Buffer
	for _, ex := range exs {
		line, err := json.Marshal(ex)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// labelledFiles are the committed synthetic datasets and their
// generators' sizes and seeds.
var labelledFiles = []struct {
	name string
	head string
	n    int
	seed uint64
}{
	{"tiny-classify-train.jsonl", HeadClassification, 150, 1},
	{"tiny-classify-val.jsonl", HeadClassification, 45, 2},
	{"tiny-tag-train.jsonl", HeadTagging, 150, 3},
	{"tiny-tag-val.jsonl", HeadTagging, 45, 4},
}

// readFile reads a file or fails the test.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
