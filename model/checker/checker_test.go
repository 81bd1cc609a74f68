package checker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/tutor-dev/tutor/model/gec"
	"github.com/tutor-dev/tutor/model/gecscore"
	"github.com/tutor-dev/tutor/model/train"
)

// taught are the sentences the tiny tagger learns by heart, marked as the
// hand-written gold set is. The first has a character of two bytes before
// its error, so that byte offsets would show.
var taught = []string{
	"José goes {=>to |preposition}school every day.",
	"She {go=>goes|agreement} home now.",
	"I ate {a=>an|article} apple.",
	"My {freind=>friend|spelling} is kind.",
	"{the=>The|capitalization} cat sleeps.",
	"He is very{ very=>|extra_word} tall.",
	"The dog runs fast.",
	"We like green tea.",
}

func taughtGold(t testing.TB) []gecscore.Sentence {
	t.Helper()
	var out []gecscore.Sentence
	for i, m := range taught {
		s, err := gecscore.ParseMarkup(string(rune('a'+i)), m)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

var (
	tinyOnce sync.Once
	tinyDir  string
	tinyErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tinyDir != "" {
		os.RemoveAll(tinyDir)
	}
	os.Exit(code)
}

// tinyTagger fine-tunes testdata/tiny-model as a tagger of the taught
// sentences, once for the package's tests, and returns its run directory.
func tinyTagger(t testing.TB) string {
	t.Helper()
	tinyOnce.Do(func() { tinyDir, tinyErr = trainTiny(t) })
	if tinyErr != nil {
		t.Fatal(tinyErr)
	}
	return tinyDir
}

func trainTiny(t testing.TB) (string, error) {
	dir, err := os.MkdirTemp("", "checker-test-")
	if err != nil {
		return "", err
	}
	tg := gec.NewTagger(testLexicon(t))
	var lines bytes.Buffer
	var exs []gec.Example
	for _, s := range taughtGold(t) {
		ex := gec.Example{Corrupted: s.Text, Correct: s.Corrected}
		for _, e := range s.Edits {
			ex.Edits = append(ex.Edits, gec.Edit{Start: e.Start, End: e.End, Replacement: e.Replacement, Type: e.Type})
		}
		// The correct sentence too, as the real data has clean sentences:
		// the second pass must see that nothing is left to do.
		exs = append(exs, ex, gec.Example{Corrupted: s.Corrected, Correct: s.Corrected})
	}
	for _, ex := range exs {
		passes, err := tg.ToTagging(ex)
		if err != nil {
			return dir, err
		}
		for _, p := range passes {
			line, _ := json.Marshal(p)
			lines.Write(append(line, '\n'))
		}
	}
	data := filepath.Join(dir, "tags.jsonl")
	if err := os.WriteFile(data, lines.Bytes(), 0o644); err != nil {
		return dir, err
	}
	tiny, err := filepath.Abs("../../testdata/tiny-model")
	if err != nil {
		return dir, err
	}
	// Learning eight sentences by heart: many epochs, no dropout.
	cfg, err := train.ParseConfig([]byte(`{"init": "`+tiny+`", "head": "tagging",
		"data": {"train": "`+data+`", "val": "`+data+`"},
		"batch_size": 8, "steps": 400, "lr": 0.01, "warmup": 10, "eval_every": 400, "seed": 1}`), dir)
	if err != nil {
		return dir, err
	}
	out := filepath.Join(dir, "run")
	_, err = train.Run(context.Background(), cfg, train.Options{Out: out})
	return out, err
}

func openTiny(t testing.TB, opt Options) *Checker {
	t.Helper()
	c, err := Open(tinyTagger(t), "../../data/errors", "../../data/explain/en-for-zh.json", opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCheckTaughtSentences checks that the checker gives back the edits the
// model learned, in characters of the text, with explanations.
func TestCheckTaughtSentences(t *testing.T) {
	c := openTiny(t, Options{})
	for _, g := range taughtGold(t) {
		res, err := c.Check(g.Text)
		if err != nil {
			t.Fatalf("%q: %v", g.Text, err)
		}
		var got []gecscore.Edit
		for _, e := range res.Edits {
			got = append(got, gecscore.Edit{Start: e.Start, End: e.End, Replacement: e.Replacement, Type: e.Type})
			if e.ExplanationZH == "" || e.ExplanationEN == "" || e.Example == nil {
				t.Errorf("%q: edit %+v lacks an explanation or example", g.Text, e)
			}
			if e.Confidence < 0.5 || e.Confidence > 1 {
				t.Errorf("%q: edit %+v has confidence %v, outside [0.5, 1] at threshold 0.5", g.Text, e, e.Confidence)
			}
		}
		// The same edit may be written more than one way ("very " or
		// " very" deleted); the scorer decides.
		pred := g
		pred.Edits = got
		rep := gecscore.Score([]gecscore.Sentence{g}, []gecscore.Sentence{pred})
		if o := rep.Overall; o.TP != len(g.Edits) || o.FP != 0 || o.TypedTP != o.TP {
			t.Errorf("%q: edits %+v, want %+v", g.Text, got, g.Edits)
		}
		if res.Text != g.Text || res.Corrected != g.Corrected {
			t.Errorf("%q: corrected %q, want %q", g.Text, res.Corrected, g.Corrected)
		}
		if res.Edits == nil {
			t.Errorf("%q: edits is nil; it must be an empty list", g.Text)
		}
	}
}

// TestCheckCountsCharacters checks the offsets of an edit after a
// character of two bytes.
func TestCheckCountsCharacters(t *testing.T) {
	c := openTiny(t, Options{})
	res, err := c.Check("José goes school every day.")
	if err != nil {
		t.Fatal(err)
	}
	want := []gecscore.Edit{{Start: 10, End: 10, Replacement: "to ", Type: "preposition"}}
	if len(res.Edits) != 1 || !reflect.DeepEqual(gecscore.Edit{Start: res.Edits[0].Start, End: res.Edits[0].End, Replacement: res.Edits[0].Replacement, Type: res.Edits[0].Type}, want[0]) {
		t.Errorf("edits %+v, want %+v", res.Edits, want)
	}
}

// TestCheckSeveralSentences checks that a text of several sentences is
// marked sentence by sentence, offsets counting from the whole text.
func TestCheckSeveralSentences(t *testing.T) {
	c := openTiny(t, Options{})
	text := "I ate a apple.  She go home now."
	res, err := c.Check(text)
	if err != nil {
		t.Fatal(err)
	}
	if want := "I ate an apple.  She goes home now."; res.Corrected != want {
		t.Errorf("corrected %q, want %q (edits %+v)", res.Corrected, want, res.Edits)
	}
	for _, e := range res.Edits {
		if span := string([]rune(text)[e.Start:e.End]); span != "a" && span != "go" {
			t.Errorf("edit %+v covers %q", e, span)
		}
	}
}

func TestThresholdAboveOneMarksNothing(t *testing.T) {
	c := openTiny(t, Options{Threshold: 1.01})
	for _, g := range taughtGold(t) {
		res, err := c.Check(g.Text)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Edits) != 0 || res.Corrected != g.Text {
			t.Errorf("%q at threshold 1.01: %+v", g.Text, res)
		}
	}
	res, err := c.CheckWith(taughtGold(t)[1].Text, 0.5)
	if err != nil || len(res.Edits) != 1 {
		t.Errorf("CheckWith 0.5 on the same checker: %+v, %v", res, err)
	}
}

func TestInputErrors(t *testing.T) {
	c := openTiny(t, Options{})
	cases := map[string]string{
		"":                          CodeEmpty,
		" \n\t":                     CodeEmpty,
		strings.Repeat("ab ", 1000): CodeTooLong,
		"我今天去学校了。":                  CodeNotEnglish,
		"1234 !!!":                  CodeNotEnglish,
	}
	for text, code := range cases {
		_, err := c.Check(text)
		ie, ok := IsInputError(err)
		if !ok || ie.Code != code || ie.Message == "" {
			t.Errorf("%.20q: error %v, want code %s", text, err, code)
		}
	}
	// A Chinese word in an English sentence is still English.
	if _, err := c.Check("I like 饺子 very much."); err != nil {
		t.Errorf("an English sentence with one Chinese word was refused: %v", err)
	}
	if utf8.RuneCountInString(strings.Repeat("ab ", 1000)) != 3000 {
		t.Fatal("the long text is not 3000 characters")
	}
}

// TestNewRefusesOtherModels checks that a language model or a tagger of
// other labels is refused with a message saying what to use.
func TestNewRefusesOtherModels(t *testing.T) {
	lm, err := train.Open("../../testdata/tiny-model", train.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x := testExplainer(t)
	if _, err := New(lm, testLexicon(t), x, Options{}); err == nil || !strings.Contains(err.Error(), "tutor train") {
		t.Errorf("a language model was accepted, or the error does not say what to do: %v", err)
	}
	tagger, err := train.Open(tinyTagger(t), train.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tagger.Labels = append([]string(nil), tagger.Labels...)
	tagger.Labels[0] = "NAME"
	if _, err := New(tagger, testLexicon(t), x, Options{}); err == nil || !strings.Contains(err.Error(), "NAME") {
		t.Errorf("a tagger of other labels was accepted: %v", err)
	}
	if _, err := New(tagger, testLexicon(t), x, Options{Passes: -1}); err == nil {
		t.Error("negative passes were accepted")
	}
}

func testExplainer(t testing.TB) *gec.Explainer {
	t.Helper()
	f, err := os.Open("../../data/explain/en-for-zh.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, err := gec.LoadExplanations(f)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestCheckIsSafeForConcurrentUse runs checks from several goroutines
// (go test -race shows a shared buffer).
func TestCheckIsSafeForConcurrentUse(t *testing.T) {
	c := openTiny(t, Options{})
	want, err := c.Check(taughtGold(t)[0].Text)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				got, err := c.Check(want.Text)
				if err != nil || got.Corrected != want.Corrected {
					t.Errorf("concurrent check: %+v, %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestCheckContextStops checks that a check whose caller gave up returns
// the context's error.
func TestCheckContextStops(t *testing.T) {
	c := openTiny(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.CheckContext(ctx, "She go home now."); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled check returned %v", err)
	}
	if res, err := c.CheckContext(context.Background(), "She go home now."); err != nil || len(res.Edits) != 1 {
		t.Errorf("CheckContext: %+v, %v", res, err)
	}
}

// TestCheckOddTexts runs texts a learner may paste: the answer is a
// result whose edits make its correction, or an input error, never a
// failure.
func TestCheckOddTexts(t *testing.T) {
	c := openTiny(t, Options{MaxChars: 3000})
	texts := []string{
		"She  go\thome   now .",
		"she go home now",
		"$START She go home now.",
		"She go home now.\nShe go home now!  She go home now?",
		"She go home now 😀 and I ate a apple…",
		"“She go home now,” he said (twice).",
		strings.Repeat("x", 2999),
		strings.Repeat("a!", 1000),
		strings.Repeat("She go home now. ", 150),
		"I ate a apple。She go home now。",
		"Hello\u00a0world\u200b.",
		"\xff\xfeShe go home now.",
	}
	for _, text := range texts {
		res, err := c.Check(text)
		if _, ok := IsInputError(err); ok {
			continue
		}
		if err != nil {
			t.Errorf("%.40q: %v", text, err)
			continue
		}
		var edits []gec.Edit
		for _, e := range res.Edits {
			edits = append(edits, gec.Edit{Start: e.Start, End: e.End, Replacement: e.Replacement, Type: e.Type})
		}
		got, err := gec.Apply(text, edits)
		if err != nil || got != res.Corrected {
			t.Errorf("%.40q: the edits give %.60q (%v), corrected is %.60q", text, got, err, res.Corrected)
		}
	}
	// 150 sentences, each in its own chunk, each corrected in place.
	res, err := c.Check(strings.Repeat("She go home now. ", 150))
	if err != nil || len(res.Edits) != 150 || res.Corrected != strings.Repeat("She goes home now. ", 150) {
		t.Errorf("150 sentences: %d edits, %v", len(res.Edits), err)
	}
}
