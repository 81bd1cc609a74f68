package gradedata

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model/gec"
	"github.com/tutor-dev/tutor/model/grader"
)

// The repository's data directory, from this package's directory.
const dataDir = "../../../data"

// smallPack writes a content pack of items taken from the committed
// English course: the items of the first groups that fall in each split
// (perSplit groups each), so that every split has items of every kind and
// the build takes a fraction of a second.
func smallPack(t *testing.T, perSplit int) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dataDir, "content", "en-for-zh.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pack struct {
		Course struct {
			Units []struct {
				Lessons []struct {
					Items []json.RawMessage `json:"items"`
				} `json:"lessons"`
			} `json:"units"`
		} `json:"course"`
	}
	if err := json.Unmarshal(data, &pack); err != nil {
		t.Fatal(err)
	}
	groups := map[string]int{} // split -> groups taken
	taken := map[string]bool{}
	var items []json.RawMessage
	for _, u := range pack.Course.Units {
		for _, l := range u.Lessons {
			for _, raw := range l.Items {
				var it packItem
				json.Unmarshal(raw, &it)
				if !usable(it) {
					continue
				}
				g := grader.Normalize(it.Answers[0])
				split := SplitOf(g)
				if !taken[g] && groups[split] >= perSplit {
					continue
				}
				if !taken[g] {
					taken[g] = true
					groups[split]++
				}
				items = append(items, raw)
			}
		}
	}
	small := map[string]any{"schema": "tutor.content/v1", "course": map[string]any{
		"id": "small", "title": "Small", "target_lang": "en", "source_lang": "zh-CN",
		"units": []any{map[string]any{"id": "u1", "title": "U1", "lessons": []any{map[string]any{"id": "l1", "title": "L1", "items": items}}}}}}
	out, _ := json.Marshal(small)
	path := filepath.Join(t.TempDir(), "small.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func smallOptions(t *testing.T, pack string, seed int64) Options {
	o := DefaultOptions()
	o.Packs = []string{pack}
	o.Words = filepath.Join(dataDir, "errors")
	o.Lexicon = filepath.Join(dataDir, "grade", "lexicon.tsv")
	o.Out = t.TempDir()
	o.TestOut = filepath.Join(t.TempDir(), "test.jsonl")
	o.Seed = seed
	return o
}

func readRecords(t *testing.T, path string) []Record {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []Record
	for _, l := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var r Record
		if err := json.Unmarshal(l, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestBuild checks a build of a small pack: balanced grades per split and
// kind, no item group in two splits, answers the grades' rules allow, the
// training lines in FormatInput's text, and the same bytes for a seed.
func TestBuild(t *testing.T) {
	pack := smallPack(t, 30)
	o := smallOptions(t, pack, 7)
	m, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	packData, _ := os.ReadFile(pack)
	items, err := ReadItems(packData)
	if err != nil {
		t.Fatal(err)
	}
	groupOf := map[string]string{}
	for _, it := range items {
		groupOf[it.ID] = it.Group
	}
	splitOf := map[string]string{} // group -> split
	for _, split := range []string{SplitTrain, SplitVal, SplitTest} {
		recs := readRecords(t, filepath.Join(o.Out, split+"-records.jsonl"))
		if len(recs) == 0 {
			t.Fatalf("%s: no answers", split)
		}
		checkBalanced(t, split, recs, m)
		for _, r := range recs {
			group, ok := groupOf[r.Item]
			if !ok {
				t.Fatalf("answer to an item %s the pack does not have", r.Item)
			}
			if prev, ok := splitOf[group]; ok && prev != split {
				t.Errorf("item group %q (item %s) is in %s and %s", group, r.Item, prev, split)
			}
			splitOf[group] = split
			checkAnswer(t, split, r)
		}
		checkLines(t, filepath.Join(o.Out, split+".jsonl"), recs)
	}
	test, _ := os.ReadFile(filepath.Join(o.Out, "test.jsonl"))
	committed, _ := os.ReadFile(o.TestOut)
	if !bytes.Equal(test, committed) {
		t.Error("--test-out differs from the build's test.jsonl")
	}
	testRecs, _ := os.ReadFile(filepath.Join(o.Out, "test-records.jsonl"))
	committedRecs, _ := os.ReadFile(TestRecordsPath(o.TestOut))
	if len(testRecs) == 0 || !bytes.Equal(testRecs, committedRecs) {
		t.Error("the records next to --test-out differ from the build's test-records.jsonl")
	}

	again := smallOptions(t, pack, 7)
	if _, err := Build(again); err != nil {
		t.Fatal(err)
	}
	other := smallOptions(t, pack, 8)
	if _, err := Build(other); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"train.jsonl", "val.jsonl", "test.jsonl", "train-records.jsonl", "manifest.json"} {
		a, _ := os.ReadFile(filepath.Join(o.Out, f))
		b, _ := os.ReadFile(filepath.Join(again.Out, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two builds with seed 7", f)
		}
	}
	a, _ := os.ReadFile(filepath.Join(o.Out, "train.jsonl"))
	b, _ := os.ReadFile(filepath.Join(other.Out, "train.jsonl"))
	if bytes.Equal(a, b) {
		t.Error("seeds 7 and 8 gave the same training data")
	}
}

// checkBalanced: every kind has as many answers of each grade, and the
// manifest counts what the file holds.
func checkBalanced(t *testing.T, split string, recs []Record, m *Manifest) {
	t.Helper()
	count := map[string]map[string]int{}
	total := map[string]int{}
	for _, r := range recs {
		if count[r.Kind] == nil {
			count[r.Kind] = map[string]int{}
		}
		count[r.Kind][r.Label]++
		total[r.Label]++
	}
	for kind, c := range count {
		if c[grader.Correct] == 0 || c[grader.Correct] != c[grader.Acceptable] || c[grader.Correct] != c[grader.Wrong] {
			t.Errorf("%s, %s: grades %v are not balanced", split, kind, c)
		}
	}
	for _, l := range grader.Labels {
		if m.Examples[split][l] != total[l] {
			t.Errorf("%s: manifest says %d %s, the file has %d", split, m.Examples[split][l], l, total[l])
		}
	}
}

// checkAnswer checks one answer against the rules of its grade.
func checkAnswer(t *testing.T, split string, r Record) {
	t.Helper()
	exact := false
	for _, ref := range r.References {
		exact = exact || grader.SameAnswer(r.Answer, ref)
	}
	switch {
	case exact && (r.Label != grader.Correct || split != SplitTrain):
		t.Errorf("%s: %q equals a reference of %s but is %s (%s); exact answers are correct and only trained on", split, r.Answer, r.Item, r.Label, r.How)
	case r.Label == grader.Acceptable:
		if len(r.Edits) != 1 {
			t.Errorf("acceptable %q (%s) has %d edits, want 1", r.Answer, r.Item, len(r.Edits))
			return
		}
		fixed, err := gec.Apply(r.Answer, r.Edits)
		if err != nil || !contains(r.References, fixed) {
			t.Errorf("acceptable %q with its edit gives %q (%v), not a reference of %v", r.Answer, fixed, err, r.References)
		}
		if r.Edits[0].Type == gec.Capitalization {
			t.Errorf("acceptable %q: a capital is no error the grader counts", r.Answer)
		}
	case r.Label == grader.Wrong && r.How == HowThreeErrors && len(r.Edits) != 3:
		t.Errorf("wrong %q made with three errors has %d", r.Answer, len(r.Edits))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkLines: the training file is the records in FormatInput's text.
func checkLines(t *testing.T, path string, recs []Record) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	if len(lines) != len(recs) {
		t.Fatalf("%s: %d lines for %d records", path, len(lines), len(recs))
	}
	for i, l := range lines {
		var got line
		dec := json.NewDecoder(bytes.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s:%d: %v", path, i+1, err)
		}
		want := grader.FormatInput(recs[i].Exercise, recs[i].References, recs[i].Answer)
		if got.Text != want || got.Label != recs[i].Label {
			t.Fatalf("%s:%d: %+v, want text %q label %s", path, i+1, got, want, recs[i].Label)
		}
	}
}

// TestBuildRefusesNoItems: a pack that teaches no English is a clear
// error, not an empty dataset.
func TestBuildRefusesNoItems(t *testing.T) {
	o := smallOptions(t, filepath.Join(dataDir, "content", "zh-hsk1-3.json"), 1)
	_, err := Build(o)
	if err == nil || !strings.Contains(err.Error(), "English answers") {
		t.Errorf("Build on a Chinese course: %v, want an error about English answers", err)
	}
	o.Lexicon = filepath.Join(t.TempDir(), "missing.tsv")
	if _, err := Build(o); err == nil || !strings.Contains(err.Error(), "--derive-lexicon") {
		t.Errorf("Build without a lexicon: %v, want advice to derive it", err)
	}
}
