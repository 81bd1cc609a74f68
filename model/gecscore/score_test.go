package gecscore

import (
	"math"
	"strings"
	"testing"
)

// handSet is a small gold set and a prediction whose counts are worked out by
// hand in TestScoreByHand.
func handSet() (gold, pred []Sentence) {
	gold = []Sentence{
		// "I have dog and two cat." : dog at 7, and at 11, cat at 19.
		{ID: "1", Text: "I have dog and two cat.", Edits: []Edit{
			{7, 7, "a ", "article"}, {19, 22, "cats", "noun_number"}}},
		{ID: "2", Text: "He go to school.", Edits: []Edit{{3, 5, "goes", "agreement"}}},
		{ID: "3", Text: "She like apples.", Edits: []Edit{{4, 8, "likes", "agreement"}}},
		{ID: "4", Text: "It is fine."},
		{ID: "5", Text: "We is happy.", Edits: []Edit{{3, 5, "are", "agreement"}}},
	}
	pred = []Sentence{
		// the same insertion drawn after "have" instead of before "dog": right;
		// "and" -> "or": wrong and nowhere near a gold edit; "cat" missed.
		{ID: "1", Edits: []Edit{{6, 6, " a", "article"}, {11, 14, "or", "word_choice"}}},
		// right place, wrong word: a wrong tense edit that detects the error.
		{ID: "2", Edits: []Edit{{3, 5, "went", "tense"}}},
		// right edit, wrong type: counted under the gold type.
		{ID: "3", Edits: []Edit{{4, 8, "likes", "spelling"}}},
		{ID: "4"},
		// sentence 5 has no prediction at all.
	}
	return gold, pred
}

func TestScoreByHand(t *testing.T) {
	gold, pred := handSet()
	r := Score(gold, pred)
	want := map[string]Row{
		"article":     {Type: "article", Gold: 1, Pred: 1, TP: 1, TypedTP: 1, DetectedGold: 1, DetectingPred: 1},
		"noun_number": {Type: "noun_number", Gold: 1, FN: 1},
		"agreement":   {Type: "agreement", Gold: 3, TP: 1, FN: 2, DetectedGold: 2},
		"tense":       {Type: "tense", Pred: 1, FP: 1, DetectingPred: 1},
		"spelling":    {Type: "spelling", Pred: 1, DetectingPred: 1},
		"word_choice": {Type: "word_choice", Pred: 1, FP: 1},
		"overall": {Type: "overall", Gold: 5, Pred: 4, TP: 2, FP: 2, FN: 3, TypedTP: 1,
			DetectedGold: 3, DetectingPred: 3},
	}
	for typ, w := range want {
		got := r.Row(typ)
		if typ == "overall" {
			got = r.Overall
		}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", typ, got, w)
		}
	}
	if len(r.Rows) != 6 || r.Rows[0].Type != "article" || r.Rows[5].Type != "word_choice" {
		t.Errorf("rows are not the types that occur, in Types order: %+v", r.Rows)
	}
	// P = 2/4, R = 2/5, F0.5 = 1.25*0.5*0.4 / (0.25*0.5 + 0.4) = 0.25/0.525.
	near(t, "overall P", r.Overall.Precision(), 0.5)
	near(t, "overall R", r.Overall.Recall(), 0.4)
	near(t, "overall F0.5", r.Overall.F05(), 0.25/0.525)
	// detection: 3 of 4 predictions touch gold, 3 of 5 gold edits touched.
	near(t, "detection P", r.Overall.DetectionPrecision(), 0.75)
	near(t, "detection R", r.Overall.DetectionRecall(), 0.6)
	near(t, "detection F0.5", r.Overall.DetectionF05(), 1.25*0.75*0.6/(0.25*0.75+0.6))
	// agreement: P = 1/1, R = 1/3, F0.5 = 1.25*(1/3) / (0.25 + 1/3) = 5/7.
	agr := r.Row("agreement")
	near(t, "agreement F0.5", agr.F05(), 5.0/7)
	near(t, "agreement detection R", agr.DetectionRecall(), 2.0/3)
	// nothing predicted: precision 1 by convention, F0.5 0.
	near(t, "noun_number P", r.Row("noun_number").Precision(), 1)
	near(t, "noun_number F0.5", r.Row("noun_number").F05(), 0)
	near(t, "tense F0.5", r.Row("tense").F05(), 0)
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %.6f, want %.6f", what, got, want)
	}
}

func TestScoreSameChangeWhateverTheSpan(t *testing.T) {
	text := "I ate a apple and we discussed about it."
	// "a" at 6, "about " at 31..37.
	gold := []Sentence{{Text: text, Edits: []Edit{
		{6, 7, "an", "article"}, {31, 37, "", "preposition"}}}}
	pred := []Sentence{{Text: text, Edits: []Edit{
		{6, 13, "an apple", "article"}, // the same change drawn over two words
		{30, 36, "", "preposition"},    // " about" instead of "about "
	}}}
	r := Score(gold, pred)
	if r.Overall.TP != 2 || r.Overall.FP != 0 {
		t.Fatalf("equivalent edits not matched: %+v", r.Overall)
	}
}

func TestScoreMatchesEachGoldEditOnce(t *testing.T) {
	text := "He go home."
	gold := []Sentence{{Text: text, Edits: []Edit{{3, 5, "goes", "agreement"}}}}
	pred := []Sentence{{Text: text, Edits: []Edit{
		{3, 5, "goes", "agreement"}, {3, 5, "goes", "agreement"}, {40, 41, "x", "spelling"}}}}
	r := Score(gold, pred)
	if r.Overall.TP != 1 || r.Overall.FP != 2 || r.Overall.FN != 0 {
		t.Fatalf("a duplicate and an impossible prediction must both be wrong: %+v", r.Overall)
	}
}

func TestTouches(t *testing.T) {
	cases := []struct {
		a, b canonical
		want bool
	}{
		{canonical{start: 2, end: 5}, canonical{start: 4, end: 8}, true},
		{canonical{start: 2, end: 5}, canonical{start: 5, end: 8}, false},
		{canonical{start: 5, end: 5}, canonical{start: 2, end: 5}, true},
		{canonical{start: 5, end: 5}, canonical{start: 6, end: 8}, false},
		{canonical{start: 5, end: 5}, canonical{start: 5, end: 5}, true},
		{canonical{start: 5, end: 5}, canonical{start: 4, end: 4}, false},
	}
	for _, c := range cases {
		if touches(c.a, c.b) != c.want || touches(c.b, c.a) != c.want {
			t.Errorf("touches(%v, %v) != %v", c.a, c.b, c.want)
		}
	}
}

func TestTable(t *testing.T) {
	gold, pred := handSet()
	table := Score(gold, pred).Table()
	for _, want := range []string{
		"agreement           3     0    1    0    2  100.0   33.3   71.4       -   66.7   90.9",
		"spelling            0     1    0    0    0      -      -      -   100.0      -  100.0",
		"overall             5     4    2    2    3   50.0   40.0   47.6    75.0   60.0   71.4",
		"5 sentences",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

func TestAligned(t *testing.T) {
	gold, _ := handSet()
	pred := []Sentence{{ID: "1", Text: gold[0].Text}}
	if err := Aligned(gold[:1], pred); err != nil {
		t.Fatal(err)
	}
	if err := Aligned(gold, pred); err == nil {
		t.Error("different lengths accepted")
	}
	pred[0].Text = "something else"
	if err := Aligned(gold[:1], pred); err == nil {
		t.Error("different texts accepted")
	}
}
