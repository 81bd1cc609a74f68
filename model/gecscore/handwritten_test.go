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

var update = flag.Bool("update", false, "rewrite each hand-written set's JSON lines and its counts in testdata/learner/README.md from its .marked.txt source")

const (
	learnerDir    = "../../testdata/learner/"
	learnerReadme = learnerDir + "README.md"
	countsEnd     = "<!-- end of counts -->\n"
)

// handwrittenSet is one hand-written gold set: the JSON lines that tools
// read, the marked-up source they are generated from, the line that opens
// the set's counts in the README, and what the set promises.
type handwrittenSet struct {
	name         string
	jsonl        string
	src          string
	countsBegin  string
	minSentences int
	minPerType   int // gold edits of each type
}

// handwrittenSets are the hand-written sets: the first, and a second written
// later as a blind test set (testdata/learner/README.md).
var handwrittenSets = []handwrittenSet{
	{
		name:         "handwritten",
		jsonl:        learnerDir + "handwritten.jsonl",
		src:          learnerDir + "handwritten.marked.txt",
		countsBegin:  "<!-- counts: go test ./model/gecscore -run TestHandwrittenSet -update -->\n",
		minSentences: 120,
		minPerType:   3,
	},
	{
		name:         "handwritten2",
		jsonl:        learnerDir + "handwritten2.jsonl",
		src:          learnerDir + "handwritten2.marked.txt",
		countsBegin:  "<!-- counts of handwritten2: go test ./model/gecscore -run TestHandwrittenSet -update -->\n",
		minSentences: 150,
		minPerType:   5,
	},
}

// TestHandwrittenSetIsValid checks the committed JSON lines of each set on
// their own: ids unique, offsets in range and not overlapping, types known,
// the edits turn text into corrected, and the set is as large and as mixed
// as promised.
func TestHandwrittenSetIsValid(t *testing.T) {
	for _, set := range handwrittenSets {
		t.Run(set.name, func(t *testing.T) { checkHandwritten(t, set) })
	}
}

func checkHandwritten(t *testing.T, set handwrittenSet) {
	gold, err := ReadGold(set.jsonl)
	if err != nil {
		t.Fatal(err)
	}
	if len(gold) < set.minSentences {
		t.Errorf("%d sentences, want at least %d", len(gold), set.minSentences)
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
		if typeCount(gold, typ) < set.minPerType {
			t.Errorf("type %s has fewer than %d gold edits", typ, set.minPerType)
		}
	}
}

// TestHandwrittenSetsShareNoSentence checks that no learner sentence (and
// no id) of one hand-written set is also in another: the second set is a
// blind test only if it does not repeat the first.
func TestHandwrittenSetsShareNoSentence(t *testing.T) {
	textIn := map[string]string{}
	idIn := map[string]string{}
	for _, set := range handwrittenSets {
		gold, err := ReadGold(set.jsonl)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range gold {
			if other, ok := textIn[s.Text]; ok {
				t.Errorf("%s: %s %q is also in %s", set.name, s.ID, s.Text, other)
			}
			if other, ok := idIn[s.ID]; ok {
				t.Errorf("%s: id %s is also used in %s", set.name, s.ID, other)
			}
		}
		for _, s := range gold {
			textIn[s.Text] = set.name
			idIn[s.ID] = set.name
		}
	}
}

// TestHandwrittenSetMatchesSource checks that each set's JSON lines are
// what its marked-up source says, and that the README's counts for it are
// current; with -update it rewrites both from the source.
func TestHandwrittenSetMatchesSource(t *testing.T) {
	for _, set := range handwrittenSets {
		t.Run(set.name, func(t *testing.T) { matchSource(t, set) })
	}
}

func matchSource(t *testing.T, set handwrittenSet) {
	src, err := os.Open(set.src)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	marked, err := ReadMarkup(src)
	if err != nil {
		t.Fatalf("%s: %v", set.src, err)
	}
	if *update {
		writeHandwritten(t, set, marked)
	}
	committed, err := ReadGold(set.jsonl)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(committed, marked) {
		t.Errorf("%s differs from %s; rerun with -update", set.jsonl, set.src)
	}
	readme, err := os.ReadFile(learnerReadme)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), set.countsBegin+countTable(marked)+countsEnd) {
		t.Errorf("%s does not show the current counts of %s; rerun with -update. They are:\n%s", learnerReadme, set.name, countTable(marked))
	}
}

func writeHandwritten(t *testing.T, set handwrittenSet, sentences []Sentence) {
	var buf bytes.Buffer
	if err := WriteSentences(&buf, sentences); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(set.jsonl, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(learnerReadme)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(readme), set.countsBegin)
	_, after, ok2 := strings.Cut(rest, countsEnd)
	if !ok1 || !ok2 {
		t.Fatalf("%s lacks the lines %q and %q around the counts of %s", learnerReadme, set.countsBegin, countsEnd, set.name)
	}
	updated := before + set.countsBegin + countTable(sentences) + countsEnd + after
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
