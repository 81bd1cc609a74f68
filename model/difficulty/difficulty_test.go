package difficulty

import (
	"bufio"
	"errors"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tutor-dev/tutor/model/internal/depcheck"
)

// The committed word table (data/difficulty) is what the estimator ships
// with, so the tests check it rather than a made-up one.
var (
	tableOnce sync.Once
	tableVal  *Table
	tableErr  error
)

func testEstimator(t testing.TB) *Estimator {
	t.Helper()
	tableOnce.Do(func() { tableVal, tableErr = LoadTable(os.DirFS("../../data/difficulty")) })
	if tableErr != nil {
		t.Fatal(tableErr)
	}
	e, err := New(tableVal)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// wordsAt returns content words of the table from rank lo on: n of them,
// skipping function words so that every one counts.
func wordsAt(t *testing.T, e *Estimator, lo, n int) []string {
	t.Helper()
	byRank := make([]string, e.table.Len()+1)
	for w, r := range e.table.rank {
		byRank[r] = w
	}
	var out []string
	for r := lo; r < len(byRank) && len(out) < n; r++ {
		if !functionWords[byRank[r]] && !strings.Contains(byRank[r], "'") {
			out = append(out, byRank[r])
		}
	}
	if len(out) < n {
		t.Fatalf("only %d words from rank %d", len(out), lo)
	}
	return out
}

func score(t *testing.T, e *Estimator, s string) Estimate {
	t.Helper()
	est, err := e.Level(s)
	if err != nil {
		t.Fatalf("Level(%q): %v", s, err)
	}
	return est
}

func TestCommonWordsScoreBelowRareWords(t *testing.T) {
	e := testEstimator(t)
	common := strings.Join(wordsAt(t, e, 1, 200)[:8], " ")    // among the 200 commonest families
	rare := strings.Join(wordsAt(t, e, 15000, 200)[:8], " ")  // beyond 15,000
	middle := strings.Join(wordsAt(t, e, 2500, 200)[:8], " ") // around 2,500
	longRare := strings.Join(wordsAt(t, e, 15000, 200)[:24], " ")
	c, m, r, lr := score(t, e, common), score(t, e, middle), score(t, e, rare), score(t, e, longRare)
	if !(c.Score < m.Score && m.Score < r.Score && r.Score < lr.Score) {
		t.Fatalf("scores common %.2f, middle %.2f, rare %.2f, long rare %.2f: want strictly increasing", c.Score, m.Score, r.Score, lr.Score)
	}
	if c.Level != "A1" || r.Level != "C2" {
		t.Errorf("common words are %s and rare ones %s; want A1 and C2", c.Level, r.Level)
	}
	if lr.Features.Syntactic <= r.Features.Syntactic {
		t.Errorf("a 24-word sentence has no more length load (%.2f) than an 8-word one (%.2f)", lr.Features.Syntactic, r.Features.Syntactic)
	}
}

func TestOneRareWordRaisesASentence(t *testing.T) {
	e := testEstimator(t)
	plain := score(t, e, "He has a house on the hill.")
	rare := score(t, e, "He has a bungalow on the hill.")
	if rare.Score <= plain.Score {
		t.Fatalf("a rarer word did not raise the score: %.2f vs %.2f", rare.Score, plain.Score)
	}
	clause := score(t, e, "He has a house on the hill, which his father built because he wanted a view.")
	if clause.Features.ClauseMarkers != 2 || clause.Features.Syntactic <= plain.Features.Syntactic {
		t.Errorf("clause markers %d, syntactic %.2f: want 2 markers and more than %.2f", clause.Features.ClauseMarkers, clause.Features.Syntactic, plain.Features.Syntactic)
	}
	if q := score(t, e, "Where is the station?"); q.Features.ClauseMarkers != 0 {
		t.Errorf("a question word opening a sentence counted as a clause marker")
	}
}

func TestFeatures(t *testing.T) {
	e := testEstimator(t)
	est := score(t, e, "Mr. Smith and I visited Paris; the well-known museum was closed.")
	f := est.Features
	// Mr (known word, after no stop: a sentence start) is read as a word; Smith and Paris are names.
	if f.Names != 2 || f.Words != 12 || f.ClauseMarkers != 1 {
		t.Errorf("features %+v: want 12 words, 2 names (Smith, Paris), 1 clause break", f)
	}
	if f.ContentWords == 0 || f.MeanRarity <= 0 || f.MaxRarity < f.MeanRarity || f.Beyond5k > f.Beyond2k || f.Beyond2k > f.Beyond1k {
		t.Errorf("inconsistent rarity features %+v", f)
	}
	if math.Abs(est.Score-(f.Lexical+f.Syntactic)) > 1e-9 {
		t.Errorf("score %.4f is not lexical %.4f + syntactic %.4f", est.Score, f.Lexical, f.Syntactic)
	}
	w := score(t, e, "qwzxv")
	if w.Features.Unknown != 1 || w.Score != MaxScore {
		t.Errorf("an unknown word: %+v, want 1 unknown and the top score", w)
	}
	only := score(t, e, "It is in the.")
	if only.Features.ContentWords != 0 || only.Score != 0 || only.Level != "A1" {
		t.Errorf("function words only: %+v", only)
	}
}

func TestLevelsComeFromTheSetAndMatchScores(t *testing.T) {
	e := testEstimator(t)
	inputs := append(courseTexts(t, ""), "ephemeral", "A", "I", "x y z", "O'Brien's café isn't open", "2024 was a leap year.")
	for _, s := range inputs {
		est, err := e.Level(s)
		if err != nil {
			t.Fatalf("Level(%q): %v", s, err)
		}
		if !contains(Levels, est.Level) || est.Level != LevelOf(est.Score) || est.Score < 0 || est.Score > MaxScore || math.IsNaN(est.Score) {
			t.Fatalf("Level(%q) = %s with score %v", s, est.Level, est.Score)
		}
	}
	for score, want := range map[float64]string{-1: "A1", 0: "A1", 0.99: "A1", 1: "A2", 2.5: "B1", 3: "B2", 4.2: "C1", 5: "C2", 6: "C2", 9: "C2"} {
		if got := LevelOf(score); got != want {
			t.Errorf("LevelOf(%v) = %s, want %s", score, got, want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	e := testEstimator(t)
	other, err := New(tableVal)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range courseTexts(t, "cloze")[:100] {
		a, _ := e.Level(s)
		b, _ := other.Level(s)
		c, _ := e.Level(s)
		if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(a, c) {
			t.Fatalf("Level(%q) differs between calls: %+v %+v %+v", s, a, b, c)
		}
	}
}

func TestBadInputIsAClearError(t *testing.T) {
	e := testEstimator(t)
	for in, want := range map[string]string{
		"":                         "no English words",
		"  42 , ! ":                "no English words",
		"你好，世界":                    "give a sentence in English",
		string([]byte{0xff, 'a'}):  "not valid UTF-8",
		strings.Repeat("a ", 1001): "at most 2000",
	} {
		if _, err := e.Level(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Level(%q): err = %v, want it to say %q", clip(in), err, want)
		}
	}
	if _, err := New(nil); err == nil {
		t.Error("New(nil) must be an error")
	}
}

func TestWordLevelFollowsTheAnchors(t *testing.T) {
	for rank, want := range map[int]float64{1: 0, 1000: 1, 2000: 2, 3500: 3, 6000: 4, 10000: 5, 20000: 6, 50000: 6} {
		if got := WordLevel(rank); math.Abs(got-want) > 1e-9 {
			t.Errorf("WordLevel(%d) = %v, want %v", rank, got, want)
		}
	}
	prev := -1.0
	for r := 1; r <= 25000; r += 37 {
		if l := WordLevel(r); l < prev {
			t.Fatalf("WordLevel falls at rank %d", r)
		} else {
			prev = l
		}
	}
}

func TestRankLooksInflectionsUpUnderTheirBase(t *testing.T) {
	e := testEstimator(t)
	for form, base := range map[string]string{"walked": "walk", "stopped": "stop", "cities": "city", "houses": "house", "Walking": "walk"} {
		rf, okf := e.table.Rank(form)
		rb, okb := e.table.Rank(base)
		if !okf || !okb || rf > rb {
			t.Errorf("Rank(%s) = %d,%v; Rank(%s) = %d,%v: an inflection is at most as rare as its base", form, rf, okf, base, rb, okb)
		}
	}
	for w, want := range map[string][]string{
		"stopped": {"stopp", "stoppe", "stop"}, "glass": nil, "cities": {"citie", "citi", "city"}, "passed": {"pass", "passe"},
	} {
		if got := Bases(w); !reflect.DeepEqual(got, want) {
			t.Errorf("Bases(%s) = %q, want %q", w, got, want)
		}
	}
}

func TestReadTableRefusesBrokenTables(t *testing.T) {
	many := make([]string, MinTableWords)
	for i := range many {
		many[i] = "w" + strings.Repeat("a", i%30) + string(rune('a'+i/30%26)) + string(rune('a'+i/780))
	}
	if _, err := NewTable(many); err != nil {
		t.Fatalf("a good table: %v", err)
	}
	for name, words := range map[string][]string{
		"short":      many[:10],
		"duplicate":  append(append([]string(nil), many...), many[5]),
		"not a word": append(append([]string(nil), many...), "Hello"),
	} {
		if _, err := NewTable(words); err == nil || !strings.Contains(err.Error(), "tutor data difficulty") {
			t.Errorf("%s table: err = %v, want one that says how to rebuild", name, err)
		}
	}
	if _, err := LoadTable(os.DirFS(t.TempDir())); err == nil || !strings.Contains(err.Error(), "data/difficulty") {
		t.Errorf("missing table: err = %v", err)
	}
}

// courseTexts reads testdata/course.tsv, a fixed copy of the course's
// English (unit, kind, text), keeping the texts of one kind ("" for all).
func courseTexts(t testing.TB, kind string) []string {
	rows := courseRows(t)
	var out []string
	for _, r := range rows {
		if kind == "" || r.kind == kind {
			out = append(out, r.text)
		}
	}
	return out
}

type courseRow struct {
	unit       int
	kind, text string
}

func courseRows(t testing.TB) []courseRow {
	t.Helper()
	f, err := os.Open("testdata/course.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []courseRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		parts := strings.SplitN(sc.Text(), "\t", 3)
		unit, err := strconv.Atoi(parts[0])
		if len(parts) != 3 || err != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		rows = append(rows, courseRow{unit, parts[1], parts[2]})
	}
	return rows
}

// TestCalibrationOnTheCourse reproduces the figures docs/DIFFICULTY.md
// gives for the course: the share of its items at each level, by kind, and
// how the words' scores follow the course's frequency order.
func TestCalibrationOnTheCourse(t *testing.T) {
	e := testEstimator(t)
	documented := map[string][6]float64{ // percent A1 … C2, docs/DIFFICULTY.md
		"vocab":     {59.6, 27.6, 9.4, 2.6, 0.3, 0.4},
		"cloze":     {30.9, 32.6, 16.4, 11.7, 6.5, 1.8},
		"translate": {71.0, 24.6, 3.6, 0.7, 0, 0},
	}
	const tolerance = 2.0 // percentage points
	rows := courseRows(t)
	counts := map[string]*[6]int{}
	totals := map[string]int{}
	var unitOf, scoreOf []float64
	for _, r := range rows {
		est := score(t, e, r.text)
		if counts[r.kind] == nil {
			counts[r.kind] = &[6]int{}
		}
		counts[r.kind][indexOf(Levels, est.Level)]++
		totals[r.kind]++
		if r.kind == "vocab" {
			unitOf, scoreOf = append(unitOf, float64(r.unit)), append(scoreOf, est.Score)
		}
	}
	for kind, want := range documented {
		for i, lv := range Levels {
			got := 100 * float64(counts[kind][i]) / float64(totals[kind])
			if math.Abs(got-want[i]) > tolerance {
				t.Errorf("%s at %s: %.1f%%, documented %.1f%%", kind, lv, got, want[i])
			}
		}
	}
	// The course put its words in units by film-subtitle frequency, a source
	// the table does not use; the two orders must still agree clearly.
	if rho := Spearman(unitOf, scoreOf); rho < 0.40 {
		t.Errorf("Spearman's rho between the course's unit and the word's score is %.3f, documented 0.51", rho)
	}
}

func TestSpearman(t *testing.T) {
	if r := Spearman([]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}); math.Abs(r-1) > 1e-12 {
		t.Errorf("same order: %v", r)
	}
	if r := Spearman([]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}); math.Abs(r+1) > 1e-12 {
		t.Errorf("reversed: %v", r)
	}
	if r := Spearman([]float64{1, 1, 2}, []float64{5, 5, 9}); math.Abs(r-1) > 1e-12 {
		t.Errorf("ties: %v", r)
	}
}

// fakeLM is a language model whose surprisal is a word's rarity: each word
// is a token, scored by the log rank of its family.
type fakeLM struct {
	t   *Table
	err error
	bad float64
}

func (f fakeLM) Surprisal(text string) ([]float64, error) {
	if f.err != nil {
		return nil, f.err
	}
	var out []float64
	words, _ := tokenize(text)
	for _, w := range words {
		r, ok := f.t.Rank(w.lower)
		if !ok {
			r = f.t.Len() + 1
		}
		out = append(out, math.Log(float64(r))+f.bad)
	}
	return out, nil
}

func TestModelScaleAndBlend(t *testing.T) {
	e := testEstimator(t)
	sentences := courseTexts(t, "cloze")
	lm := fakeLM{t: e.table}
	sc, err := e.FitModelScale(lm, sentences)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Correlation < 0.3 || sc.Slope <= 0 || sc.Sentences != len(sentences) || sc.Weight != DefaultModelWeight {
		t.Fatalf("scale %+v: a surprisal made of word rarity must correlate with the score", sc)
	}
	easy, err := e.EstimateWithModel("He has a house on the hill.", lm, sc)
	if err != nil {
		t.Fatal(err)
	}
	hard, err := e.EstimateWithModel("The ubiquitous ephemeral phenomena perplexed the epistemologists.", lm, sc)
	if err != nil {
		t.Fatal(err)
	}
	if easy.Score >= hard.Score || easy.Features.Surprisal <= 0 || !contains(Levels, hard.Level) {
		t.Errorf("blended: easy %+v, hard %+v", easy, hard)
	}
	freq := score(t, e, "He has a house on the hill.")
	want := (1-sc.Weight)*freq.Score + sc.Weight*easy.Features.ModelScore
	if math.Abs(easy.Score-clampScore(want)) > 1e-9 {
		t.Errorf("blended score %.4f, want %.4f", easy.Score, want)
	}
	zero := sc
	zero.Weight = 0
	if z, _ := e.EstimateWithModel("He has a house on the hill.", lm, zero); z.Score != freq.Score {
		t.Errorf("weight 0 must give the frequency score: %.4f vs %.4f", z.Score, freq.Score)
	}
}

func TestModelErrors(t *testing.T) {
	e := testEstimator(t)
	sentences := courseTexts(t, "cloze")
	if _, err := e.FitModelScale(constantLM{}, sentences); err == nil || !strings.Contains(err.Error(), "does not rise") {
		t.Errorf("a model that says the same of every text: err = %v", err)
	}
	if _, err := e.FitModelScale(fakeLM{t: e.table}, sentences[:5]); err == nil {
		t.Error("5 sentences must be too few to fit")
	}
	boom := errors.New("boom")
	if _, err := e.EstimateWithModel("a house", fakeLM{t: e.table, err: boom}, ModelScale{Slope: 1, Weight: 0.5}); !errors.Is(err, boom) {
		t.Errorf("the model's error is lost: %v", err)
	}
	if _, err := e.EstimateWithModel("a house", fakeLM{t: e.table, bad: math.NaN()}, ModelScale{Slope: 1, Weight: 0.5}); err == nil {
		t.Error("a NaN surprisal must be an error")
	}
	if _, err := e.EstimateWithModel("a house", fakeLM{t: e.table}, ModelScale{Slope: 1, Weight: 2}); err == nil {
		t.Error("a weight above 1 must be an error")
	}
	if _, err := e.EstimateWithModel("a house", nil, ModelScale{Slope: 1, Weight: 0.5}); err == nil {
		t.Error("no model must be an error")
	}
}

type constantLM struct{}

func (constantLM) Surprisal(string) ([]float64, error) { return []float64{3, 3}, nil }

// TestImportsOnlyTheStandardLibrary: the estimator may run in the browser,
// so it stays free of the tutor's other packages and of any module (doc.go).
func TestImportsOnlyTheStandardLibrary(t *testing.T) { depcheck.StandardLibraryOnly(t) }

func contains(xs []string, s string) bool { return indexOf(xs, s) >= 0 }

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

func TestCompareWithModel(t *testing.T) {
	e := testEstimator(t)
	sentences := courseTexts(t, "cloze")
	c, err := e.CompareWithModel(fakeLM{t: e.table}, sentences)
	if err != nil {
		t.Fatal(err)
	}
	total := func(m map[string]int) int {
		n := 0
		for _, v := range m {
			n += v
		}
		return n
	}
	if c.Sentences != len(sentences) || total(c.Frequency) != c.Sentences || total(c.Blended) != c.Sentences ||
		c.SameLevel > c.Sentences || c.WithinOne < c.SameLevel/2 || c.Spearman <= 0 || c.MeanSurprisal <= 0 {
		t.Fatalf("comparison %+v", c)
	}
}
