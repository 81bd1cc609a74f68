package grader

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

var gradingModel = flag.String("grading-model", "", "a trained grading model: TestReportOnTestSet grades the committed test set with it")

// testRecord is a line of testdata/grade/synthetic-test.records.jsonl.
type testRecord struct {
	Kind       string   `json:"kind"`
	Exercise   string   `json:"exercise"`
	References []string `json:"references"`
	Answer     string   `json:"answer"`
	Label      string   `json:"label"`
	How        string   `json:"how"`
}

// TestReportOnTestSet grades the committed test set through Grade (the
// exact-match path and the model) and logs accuracy by the way answers
// were made and by kind of exercise, and the confusion matrix: the
// breakdown docs/GRADING.md reports. It runs only with -grading-model:
//
//	go test ./model/grader -run ReportOnTestSet -v -grading-model ../../runs/grade-student
func TestReportOnTestSet(t *testing.T) {
	if *gradingModel == "" {
		t.Skip("pass -grading-model DIR to grade the committed test set")
	}
	g, err := Open(*gradingModel)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(testdata("grade/synthetic-test.records.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	confusion := map[[2]string]int{}
	byHow, byKind := tally{}, tally{}
	var elapsed time.Duration
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r testRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		res, err := g.Grade(r.Exercise, r.References, r.Answer)
		elapsed += time.Since(start)
		if err != nil {
			t.Fatalf("%+v: %v", r, err)
		}
		n++
		confusion[[2]string{r.Label, res.Grade}]++
		byHow.add(r.Label+"/"+r.How, res.Grade == r.Label)
		byKind.add(r.Kind, res.Grade == r.Label)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d answers, %.1f ms per Grade\n\nconfusion (rows: truth, columns: grade)\n%-12s", n, float64(elapsed.Microseconds())/1000/float64(n), "")
	for _, l := range Labels {
		fmt.Fprintf(&b, "%12s", l)
	}
	for _, truth := range Labels {
		fmt.Fprintf(&b, "\n%-12s", truth)
		for _, l := range Labels {
			fmt.Fprintf(&b, "%12d", confusion[[2]string{truth, l}])
		}
	}
	b.WriteString("\n\naccuracy by grade/how\n" + byHow.String() + "\naccuracy by kind\n" + byKind.String())
	t.Log("\n" + b.String())
}

// tally counts right answers per key.
type tally map[string]*[2]int

func (t tally) add(key string, right bool) {
	if t[key] == nil {
		t[key] = &[2]int{}
	}
	t[key][1]++
	if right {
		t[key][0]++
	}
}

func (t tally) String() string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		c := t[k]
		fmt.Fprintf(&b, "  %-28s %4d / %4d  %.3f\n", k, c[0], c[1], float64(c[0])/float64(c[1]))
	}
	return b.String()
}
