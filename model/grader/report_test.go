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

	"github.com/tutor-dev/tutor/model/gec"
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
	byHow, byKind, baseline := tally{}, tally{}, tally{}
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
		baseline.add(r.Label+"/"+r.How, baselineGrade(r.References, r.Answer) == r.Label)
		baseline.add("all", baselineGrade(r.References, r.Answer) == r.Label)
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
	b.WriteString("\n\naccuracy by grade/how\n" + byHow.String() + "\naccuracy by kind\n" + byKind.String() +
		"\nthe course's answer check as a baseline (exact, or a leading the/a/an/to: correct; a near miss: acceptable)\n" + baseline.String())
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

// baselineGrade grades as the course's own answer check does without a
// model: equal after normalising (or after dropping a leading the, a, an
// or to before a one-word reference) is correct, a near miss (1 letter
// off for 4-7 letters, 2 for more) acceptable, anything else wrong.
func baselineGrade(refs []string, answer string) string {
	a := Normalize(answer)
	best := -1
	for _, r := range refs {
		n := Normalize(r)
		for _, p := range []string{"the ", "a ", "an ", "to "} {
			if !strings.Contains(n, " ") && strings.TrimPrefix(a, p) == n {
				return Correct
			}
		}
		d := gec.EditDistance(a, n)
		if d == 0 {
			return Correct
		}
		if limit := nearMiss(len([]rune(n))); d <= limit && (best < 0 || d < best) {
			best = d
		}
	}
	if best > 0 {
		return Acceptable
	}
	return Wrong
}

func nearMiss(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// TestReportOnLearnerSentences grades the hand-written learner sentences
// of testdata/learner (written for the grammar checker; never trained or
// tuned on) against their corrections, as a check of how the synthetic
// answers transfer to real errors. By this package's definitions a sentence
// with no error but capitals is correct, one other error acceptable, three
// or more wrong; two errors lie between and are only counted. It runs only
// with -grading-model.
func TestReportOnLearnerSentences(t *testing.T) {
	if *gradingModel == "" {
		t.Skip("pass -grading-model DIR to grade the hand-written learner sentences")
	}
	g, err := Open(*gradingModel)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(testdata("learner/handwritten.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	grades := map[string]map[string]int{} // errors -> grade -> sentences
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var s struct {
			Text      string `json:"text"`
			Corrected string `json:"corrected"`
			Edits     []struct {
				Type string `json:"type"`
			} `json:"edits"`
		}
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		errors := 0
		for _, e := range s.Edits {
			if e.Type != "capitalization" {
				errors++
			}
		}
		res, err := g.Grade("", []string{s.Corrected}, s.Text)
		if err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprint(min(errors, 3))
		if grades[key] == nil {
			grades[key] = map[string]int{}
		}
		grades[key][res.Grade]++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s%12s%12s%12s\n", "errors", Correct, Acceptable, Wrong)
	for _, k := range []string{"0", "1", "2", "3"} {
		name := map[string]string{"0": "0 (correct)", "1": "1 (acceptable)", "2": "2", "3": "3+ (wrong)"}[k]
		fmt.Fprintf(&b, "%-14s%12d%12d%12d\n", name, grades[k][Correct], grades[k][Acceptable], grades[k][Wrong])
	}
	t.Log("\n" + b.String())
}
