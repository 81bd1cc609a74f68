package gecdata

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model/gec"
)

const dataDir = "../../data"

// smallOptions builds from the course's own sentences used as the corpus
// text, so the test needs nothing that is not committed.
func smallOptions(t *testing.T, out string) Options {
	t.Helper()
	pack := filepath.Join(dataDir, "content", "en-for-zh.json")
	data, err := os.ReadFile(pack)
	if err != nil {
		t.Fatal(err)
	}
	sentences, err := gec.CourseSentences(data)
	if err != nil {
		t.Fatal(err)
	}
	corpus := filepath.Join(t.TempDir(), "train.txt")
	if err := os.WriteFile(corpus, []byte(strings.Join(sentences, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	o.CorpusText, o.Packs, o.Lexicon = corpus, nil, filepath.Join(dataDir, "errors")
	o.Out, o.TestOut = out, filepath.Join(out, "committed-test.jsonl")
	o.TrainExamples, o.ValExamples, o.TestExamples = 600, 60, 60
	return o
}

func TestBuildIsDeterministicAndKeepsPoolsApart(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	oa := smallOptions(t, a)
	m, err := Build(oa)
	if err != nil {
		t.Fatal(err)
	}
	ob := oa
	ob.Out, ob.TestOut = b, filepath.Join(b, "committed-test.jsonl")
	if _, err := Build(ob); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"train.jsonl", "val.jsonl", "test.jsonl", "tagging-train.jsonl", "tagging-val.jsonl", "labels.json", "manifest.json", "committed-test.jsonl"} {
		x, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		y, _ := os.ReadFile(filepath.Join(b, name))
		if !bytes.Equal(x, y) || len(x) == 0 {
			t.Errorf("%s differs between two builds with one seed (or is empty)", name)
		}
	}
	if m.Examples["train"] != 600 || m.Examples["val"] != 60 || m.Examples["test"] != 60 {
		t.Errorf("examples %v, want 600/60/60", m.Examples)
	}
	pools := map[string]map[string]bool{}
	for _, split := range []string{"train", "val", "test"} {
		pools[split] = map[string]bool{}
		edits := map[string]int{}
		for _, ex := range readExamples(t, filepath.Join(a, split+".jsonl")) {
			for _, e := range ex.Edits {
				edits[e.Type]++
			}
			if poolOf(ex.Correct) != split {
				t.Errorf("%q is in the %s split but hashes to %s", ex.Correct, split, poolOf(ex.Correct))
			}
			pools[split][ex.Correct] = true
		}
		if !maps.Equal(edits, m.Edits[split]) || len(edits) == 0 {
			t.Errorf("%s: the examples have edits %v, the manifest says %v", split, edits, m.Edits[split])
		}
	}
	for s := range pools["test"] {
		if pools["train"][s] {
			t.Errorf("test sentence %q is also trained on", s)
		}
	}
}

func TestValidationTagsAreTrainingTags(t *testing.T) {
	out := t.TempDir()
	m, err := Build(smallOptions(t, out))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, l := range m.Labels {
		known[l] = true
	}
	data, err := os.ReadFile(filepath.Join(out, "tagging-val.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var tg gec.Tagged
		if err := json.Unmarshal(line, &tg); err != nil {
			t.Fatal(err)
		}
		lines++
		for _, tag := range tg.Tags {
			if !known[tag] {
				t.Errorf("validation tag %q never appears in training", tag)
			}
		}
	}
	if lines != m.Tagging["val"] || lines == 0 {
		t.Errorf("tagging-val.jsonl has %d lines, the manifest says %d", lines, m.Tagging["val"])
	}
}

func TestMissingCorpusSaysHowToBuildIt(t *testing.T) {
	o := smallOptions(t, t.TempDir())
	o.CorpusText = filepath.Join(t.TempDir(), "nope.txt")
	_, err := Build(o)
	if err == nil || !strings.Contains(err.Error(), "tutor data corpus") {
		t.Fatalf("err = %v, want a hint to run tutor data corpus", err)
	}
}

func readExamples(t *testing.T, path string) []gec.Example {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	exs, err := gec.ReadExamples(f)
	if err != nil {
		t.Fatal(err)
	}
	return exs
}
