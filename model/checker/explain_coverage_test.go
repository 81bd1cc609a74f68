package checker

import (
	"os"
	"testing"

	"github.com/tutor-dev/tutor/model/gec"
	"github.com/tutor-dev/tutor/model/gecscore"
)

// TestExplanationCoverage: most gold edits of the hand-written learner
// sets get a specific explanation rule, not only their type's fallback
// (docs/GEC.md quotes the counts this logs: go test ./model/checker -run
// ExplanationCoverage -v).
func TestExplanationCoverage(t *testing.T) {
	f, err := os.Open("../../data/explain/en-for-zh.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, err := gec.LoadExplanations(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []string{"handwritten", "handwritten2"} {
		gold, err := gecscore.ReadGold("../../testdata/learner/" + set + ".jsonl")
		if err != nil {
			t.Fatal(err)
		}
		specific, all := 0, 0
		for _, s := range gold {
			for _, e := range s.Edits {
				r, ok := x.Match(gec.Edit{Start: e.Start, End: e.End, Replacement: e.Replacement, Type: e.Type}, s.Text)
				if !ok {
					t.Fatalf("%s %s: no rule for %+v", set, s.ID, e)
				}
				all++
				if !r.Fallback() {
					specific++
				}
			}
		}
		t.Logf("%s: %d of %d gold edits get a specific rule", set, specific, all)
		if specific*100 < all*80 {
			t.Errorf("%s: only %d of %d gold edits get a specific rule, want at least 80%%", set, specific, all)
		}
	}
}
