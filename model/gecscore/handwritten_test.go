package gecscore

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/learner/handwritten.jsonl and the counts in its README from handwritten.marked.txt")

const (
	learnerDir     = "../../testdata/learner/"
	handwritten    = learnerDir + "handwritten.jsonl"
	handwrittenSrc = learnerDir + "handwritten.marked.txt"
	learnerReadme  = learnerDir + "README.md"
	countsBegin    = "<!-- counts: go test ./model/gecscore -run TestHandwrittenSet -update -->\n"
	countsEnd      = "<!-- end of counts -->\n"
)

// TestHandwrittenSetIsValid checks the committed JSON lines on their own:
// ids unique, offsets in range and not overlapping, types known, the edits
// turn text into corrected, and the set is as large and as mixed as promised.
func TestHandwrittenSetIsValid(t *testing.T) {
	gold, err := ReadGold(handwritten)
	if err != nil {
		t.Fatal(err)
	}
	if len(gold) < 120 {
		t.Errorf("%d sentences, want at least 120", len(gold))
	}
	clean := 0
	for _, s := range gold {
		if len(s.Edits) == 0 {
			clean++
			if s.Text != s.Corrected {
				t.Errorf("%s has no edits but a different correction", s.ID)
			}
		}
	}
	if share := float64(clean) / float64(len(gold)); share < 0.10 || share > 0.20 {
		t.Errorf("%d of %d sentences are correct (%.0f%%), want about 15%%", clean, len(gold), 100*share)
	}
	for _, typ := range Types {
		if typeCount(gold, typ) < 3 {
			t.Errorf("type %s has fewer than 3 gold edits", typ)
		}
	}
}

// TestHandwrittenSetMatchesSource checks that the JSON lines are what the
// marked-up source says, and that the README's counts are current; with
// -update it rewrites both from the source.
func TestHandwrittenSetMatchesSource(t *testing.T) {
	src, err := os.Open(handwrittenSrc)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	marked, err := ReadMarkup(src)
	if err != nil {
		t.Fatalf("%s: %v", handwrittenSrc, err)
	}
	if *update {
		writeHandwritten(t, marked)
	}
	committed, err := ReadGold(handwritten)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(committed, marked) {
		t.Errorf("%s differs from %s; rerun with -update", handwritten, handwrittenSrc)
	}
	readme, err := os.ReadFile(learnerReadme)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), countsBegin+countTable(marked)+countsEnd) {
		t.Errorf("%s does not show the current counts; rerun with -update. They are:\n%s", learnerReadme, countTable(marked))
	}
}

func writeHandwritten(t *testing.T, set []Sentence) {
	var buf bytes.Buffer
	if err := WriteSentences(&buf, set); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(handwritten, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(learnerReadme)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(readme), countsBegin)
	_, after, ok2 := strings.Cut(rest, countsEnd)
	if !ok1 || !ok2 {
		t.Fatalf("%s lacks the lines %q and %q around the counts", learnerReadme, countsBegin, countsEnd)
	}
	updated := before + countsBegin + countTable(set) + countsEnd + after
	if err := os.WriteFile(learnerReadme, []byte(updated), 0o644); err != nil {
		t.Fatal(err)
	}
}

// countTable is the README's markdown table of edits per type and of
// sentences by number of edits.
func countTable(set []Sentence) string {
	var b strings.Builder
	total := 0
	b.WriteString("| type | gold edits | sentences with one |\n|---|---:|---:|\n")
	for _, typ := range Types {
		n := typeCount(set, typ)
		total += n
		fmt.Fprintf(&b, "| %s | %d | %d |\n", typ, n, sentencesWith(set, typ))
	}
	fmt.Fprintf(&b, "| **all** | **%d** | **%d** |\n\n", total, len(set))
	byEdits := map[int]int{}
	most := 0
	for _, s := range set {
		byEdits[len(s.Edits)]++
		most = max(most, len(s.Edits))
	}
	b.WriteString("| edits in the sentence |")
	for n := 0; n <= most; n++ {
		fmt.Fprintf(&b, " %d |", n)
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", most+1) + "\n| sentences |")
	for n := 0; n <= most; n++ {
		fmt.Fprintf(&b, " %d |", byEdits[n])
	}
	b.WriteString("\n")
	return b.String()
}

func typeCount(set []Sentence, typ string) int {
	n := 0
	for _, s := range set {
		for _, e := range s.Edits {
			if e.Type == typ {
				n++
			}
		}
	}
	return n
}

func sentencesWith(set []Sentence, typ string) int {
	n := 0
	for _, s := range set {
		for _, e := range s.Edits {
			if e.Type == typ {
				n++
				break
			}
		}
	}
	return n
}
