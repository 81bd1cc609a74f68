package gec

import (
	"bufio"
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestExamplesRoundTrip(t *testing.T) {
	g := testGenerator(t)
	exs := g.GenerateDataset(rich, 200, 4, DefaultMix())
	var b bytes.Buffer
	if err := WriteExamples(&b, exs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"edits":[]`) || strings.Contains(b.String(), `\u003c`) {
		t.Errorf("clean examples should say \"edits\":[] and text stay unescaped")
	}
	back, err := ReadExamples(&b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range exs {
		if exs[i].Edits == nil {
			exs[i].Edits = []Edit{}
		}
	}
	if !reflect.DeepEqual(back, exs) {
		t.Error("examples changed on the way through JSONL")
	}
	for _, bad := range []string{
		`{"corrupted":"a","correct":"b","edits":[]}`,
		`{"corrupted":"She go.","correct":"She goes.","edits":[{"start":4,"end":6,"replacement":"goes","type":"agreement","why":1}]}`,
		`{"corrupted":"She go.","correct":"She goes.","edits":[{"start":4,"end":6,"replacement":"goes","type":"grammar"}]}`,
		`not json`,
	} {
		if _, err := ReadExamples(strings.NewReader("\n" + bad + "\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%s: err = %v, want one naming line 2", bad, err)
		}
	}
}

// TestWriteTaggingForTheTrainer: every line is what model/train reads for
// a tagging head: {"text","tags"} only, one tag per white-space word.
func TestWriteTaggingForTheTrainer(t *testing.T) {
	g := testGenerator(t)
	tg := NewTagger(g.Lexicon())
	exs := g.GenerateDataset(courseSentences(t), 1000, 6, DefaultMix())
	var b bytes.Buffer
	st, err := WriteTagging(&b, exs, tg)
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	sc := bufio.NewScanner(&b)
	for sc.Scan() {
		var row struct {
			Text string   `json:"text"`
			Tags []string `json:"tags"`
		}
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&row); err != nil {
			t.Fatalf("line %d: %v", lines+1, err)
		}
		if n := len(strings.Fields(row.Text)); n != len(row.Tags) || !strings.HasPrefix(row.Text, Start+" ") {
			t.Fatalf("line %d: %d words, %d tags: %s", lines+1, n, len(row.Tags), sc.Text())
		}
		lines++
	}
	if st.Examples != 1000 || st.Lines != lines || st.Lines < st.Examples-st.Skipped || st.Skipped > 10 {
		t.Errorf("stats %+v for %d lines", st, lines)
	}
	labels := st.SortedLabels()
	if len(labels) < 50 || labels[0] > labels[len(labels)-1] || st.Labels[Keep] == 0 {
		t.Errorf("%d labels: %v", len(labels), labels)
	}
	t.Logf("1000 examples -> %d lines, %d skipped, %d distinct tags", st.Lines, st.Skipped, len(labels))
}

func TestGenerateDatasetCounts(t *testing.T) {
	g := testGenerator(t)
	if exs := g.GenerateDataset(rich[:2], 25, 1, DefaultMix()); len(exs) != 25 {
		t.Errorf("2 sentences, n=25: %d examples", len(exs))
	}
	if exs := g.GenerateDataset(rich, 0, 1, DefaultMix()); exs != nil {
		t.Errorf("n=0: %d examples", len(exs))
	}
}
