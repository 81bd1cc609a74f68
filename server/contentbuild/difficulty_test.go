package contentbuild

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tutor-dev/tutor/app/course"
)

func testGrader(t *testing.T) *grader {
	t.Helper()
	g, err := loadGrader(filepath.Join("..", "..", DefaultDifficultyDir))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGradeLessonOrdersEachStageEasyFirst(t *testing.T) {
	g := testGrader(t)
	items := []course.Item{
		{ID: "v-ephemeral", Kind: course.KindVocab, Answers: []string{"ephemeral"}},
		{ID: "v-house", Kind: course.KindVocab, Answers: []string{"house"}},
		{ID: "c-hard", Kind: course.KindCloze, Prompt: "Although the evidence was circumstantial, the jury ___ him.", Answers: []string{"convicted"}},
		{ID: "c-easy", Kind: course.KindCloze, Prompt: "He has a ___ on the hill.", Answers: []string{"house"}},
		{ID: "t-easy", Kind: course.KindTranslate, Prompt: "回家", Answers: []string{"go home"}},
	}
	if err := g.gradeLesson(items); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
		if it.EstimatedLevel == "" {
			t.Errorf("%s has no estimated level", it.ID)
		}
	}
	want := []string{"v-house", "v-ephemeral", "c-easy", "c-hard", "t-easy"}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("order = %v, want %v: cards, then gap-fills, then phrases, each easy first", ids, want)
		}
	}
	if items[0].EstimatedLevel != "A1" || items[1].EstimatedLevel < "C1" {
		t.Errorf("house is %s and ephemeral %s; want A1 and C1 or C2", items[0].EstimatedLevel, items[1].EstimatedLevel)
	}
}

func TestGradeLessonRefusesItemWithoutEnglish(t *testing.T) {
	g := testGrader(t)
	items := []course.Item{{ID: "t-bad", Kind: course.KindTranslate, Prompt: "回家", Answers: []string{"回家"}}}
	if err := g.gradeLesson(items); err == nil {
		t.Fatal("an item whose answer has no English words must be an error")
	}
}

// TestCommittedEnglishPackIsOrderedByDifficulty reads the committed pack and
// checks, with the committed word table, that every item's estimated level
// is the estimator's and that within each lesson each stage (cards,
// gap-fills, phrases) comes in turn, with scores that never decrease.
func TestCommittedEnglishPackIsOrderedByDifficulty(t *testing.T) {
	g := testGrader(t)
	f, err := os.Open(filepath.Join("..", "..", "data", "content", EnglishFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := course.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range p.Course.Units {
		for _, l := range u.Lessons {
			prevStage, prevScore := -1, 0.0
			for _, it := range l.Items {
				est, err := g.est.Level(ItemText(it))
				if err != nil {
					t.Fatalf("%s: %v", it.ID, err)
				}
				if it.EstimatedLevel != est.Level {
					t.Errorf("%s: estimated_level %q, the estimator says %q: rerun `tutor data content`", it.ID, it.EstimatedLevel, est.Level)
				}
				s := stage(it.Kind)
				switch {
				case s < prevStage:
					t.Errorf("lesson %s: %s (%s) comes after a later stage", l.ID, it.ID, it.Kind)
				case s == prevStage && est.Score < prevScore:
					t.Errorf("lesson %s: %s scores %.3f after an item scoring %.3f", l.ID, it.ID, est.Score, prevScore)
				}
				prevStage, prevScore = s, est.Score
				n++
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d items checked", n)
	}
}
