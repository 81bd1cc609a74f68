package checker

import (
	"testing"
)

// TestReleasedChecker opens the int8 grammar checker released in
// data/models (as tutor serve does) and checks a learner's sentence with it.
func TestReleasedChecker(t *testing.T) {
	c, err := Open("../../data/models/gec-student-int8", "../../data/errors", "../../data/explain/en-for-zh.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Check("My father work in a bank.")
	if err != nil {
		t.Fatal(err)
	}
	if res.Corrected != "My father works in a bank." || len(res.Edits) != 1 {
		t.Fatalf("got %+v, want the one agreement fix", res)
	}
	e := res.Edits[0]
	if e.Start != 10 || e.End != 14 || e.Replacement != "works" || e.ExplanationZH == "" || e.ExplanationEN == "" {
		t.Errorf("edit %+v, want [10,14) -> works with explanations", e)
	}
	if res, _ := c.Check("My father works in a bank."); len(res.Edits) != 0 {
		t.Errorf("a correct sentence got edits: %+v", res.Edits)
	}
}
