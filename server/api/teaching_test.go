package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/model/checker"
	"github.com/tutor-dev/tutor/model/checker/checkertest"
	"github.com/tutor-dev/tutor/model/gecscore"
	"github.com/tutor-dev/tutor/model/grader"
	"github.com/tutor-dev/tutor/server"
	"github.com/tutor-dev/tutor/server/api"
	"github.com/tutor-dev/tutor/server/teaching"
)

// A server without models still refuses bad input with a 4xx, says how to
// set a model up when the input is good, and lets nobody in who has not
// signed in.
func TestTeachingWithoutModels(t *testing.T) {
	e := newEnv(t)
	stranger := e.newClient()
	stranger.expectError("POST", "/api/v1/check", wire.CheckRequest{Text: "She go to school."}, 401, server.EUNAUTHORIZED)
	stranger.expectError("POST", "/api/v1/grade", wire.GradeRequest{References: []string{"a cat"}, Answer: "a cat"}, 401, server.EUNAUTHORIZED)

	student := e.createUser("stud", server.RoleStudent)
	r := student.expectError("POST", "/api/v1/check", wire.CheckRequest{Text: "She go to school."}, 503, server.EUNAVAILABLE)
	if !strings.Contains(r.err.Message, "--check-model") {
		t.Errorf("the 503 does not say how to configure the checker: %q", r.err.Message)
	}
	r = student.expectError("POST", "/api/v1/grade", wire.GradeRequest{Exercise: "Translate: 猫", References: []string{"a cat"}, Answer: "a cat"}, 503, server.EUNAVAILABLE)
	if !strings.Contains(r.err.Message, "--grade-model") {
		t.Errorf("the 503 does not say how to configure the grader: %q", r.err.Message)
	}

	// A cookie session needs the CSRF header on these POSTs too.
	csrf := student.csrf
	student.csrf = ""
	student.expectError("POST", "/api/v1/check", wire.CheckRequest{Text: "She go to school."}, 403, server.ECSRF)
	student.csrf = csrf
}

// Every role may use the teaching endpoints.
func TestTeachingForEveryRole(t *testing.T) {
	e := newEnv(t)
	for _, c := range []*client{e.admin, e.createUser("teach", server.RoleTeacher), e.createUser("stud", server.RoleStudent)} {
		c.expectError("POST", "/api/v1/check", wire.CheckRequest{Text: "He like it."}, 503, server.EUNAVAILABLE)
	}
}

func TestTeachingRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	c := e.createUser("stud", server.RoleStudent)
	long := strings.Repeat("word ", wire.MaxCheckRunes/5+1)
	huge := `{"text":"` + strings.Repeat("a", wire.MaxTeachingBody) + `"}`
	for _, tc := range []struct {
		name, path string
		body       any
		status     int
		code       string
		field      string
	}{
		{"empty text", "/api/v1/check", wire.CheckRequest{Text: ""}, 422, wire.CodeEmpty, "text"},
		{"blank text", "/api/v1/check", wire.CheckRequest{Text: " \n\t "}, 422, wire.CodeEmpty, "text"},
		{"long text", "/api/v1/check", wire.CheckRequest{Text: long}, 413, wire.CodeTooLong, "text"},
		{"body over the limit", "/api/v1/check", huge, 413, server.ETOOLARGE, ""},
		{"not JSON", "/api/v1/check", "She go to school.", 400, server.EINVALID, ""},
		{"unknown field", "/api/v1/check", `{"text":"hi","lang":"en"}`, 400, server.EINVALID, "lang"},
		{"empty answer", "/api/v1/grade", wire.GradeRequest{References: []string{"a cat"}}, 422, wire.CodeEmpty, "answer"},
		{"no reference", "/api/v1/grade", wire.GradeRequest{Answer: "a cat"}, 422, wire.CodeEmpty, "references"},
		{"blank references", "/api/v1/grade", wire.GradeRequest{References: []string{" ", ""}, Answer: "a cat"}, 422, wire.CodeEmpty, "references"},
		{"too many references", "/api/v1/grade", wire.GradeRequest{References: make([]string, wire.MaxReferences+1), Answer: "a cat"}, 413, wire.CodeTooLong, "references"},
		{"long reference", "/api/v1/grade", wire.GradeRequest{References: []string{long}, Answer: "a cat"}, 413, wire.CodeTooLong, "references"},
		{"long exercise", "/api/v1/grade", wire.GradeRequest{Exercise: long, References: []string{"a cat"}, Answer: "a cat"}, 413, wire.CodeTooLong, "exercise"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.expectError("POST", tc.path, tc.body, tc.status, tc.code)
			if r.err.Field != tc.field {
				t.Errorf("field = %q, want %q (%s)", r.err.Field, tc.field, r.err.Message)
			}
		})
	}
}

// The new routes are counted in /metrics under their own route label.
func TestTeachingMetrics(t *testing.T) {
	e := newEnv(t)
	c := e.createUser("stud", server.RoleStudent)
	c.expectError("POST", "/api/v1/check", wire.CheckRequest{Text: ""}, 422, wire.CodeEmpty)
	c.expectError("POST", "/api/v1/check", wire.CheckRequest{Text: "He like it."}, 503, server.EUNAVAILABLE)
	c.expectError("POST", "/api/v1/grade", wire.GradeRequest{References: []string{"x"}, Answer: "x"}, 503, server.EUNAVAILABLE)
	text := string(c.do("GET", "/metrics", nil).body)
	for _, want := range []string{
		`tutor_http_requests_total{method="POST",route="/api/v1/check",status="422"} 1`,
		`tutor_http_requests_total{method="POST",route="/api/v1/check",status="503"} 1`,
		`tutor_http_requests_total{method="POST",route="/api/v1/grade",status="503"} 1`,
		`tutor_http_request_duration_seconds_count{route="/api/v1/check"} 2`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
}

// The sentences the tiny checker learns by heart, marked as a teacher marks
// them. The first has a two-byte character before its error, so that byte
// offsets would show.
var taughtSentences = []string{
	"Renée {go=>goes|agreement} to work.",
	"I ate {a=>an|article} apple.",
	"My {freind=>friend|spelling} is kind.",
	"He is very{ very=>|extra_word} tall.",
	"The dog runs fast.",
}

// The answers the tiny grader learns by heart: exercise, reference, answer
// and grade.
var taughtAnswers = [][4]string{
	{"Translate: 猫", "a cat", "an cat", "acceptable"},
	{"Translate: 猫", "a cat", "a dog", "wrong"},
	{"Translate: 狗", "a dog", "a dgo", "acceptable"},
	{"Translate: 狗", "a dog", "the sun", "wrong"},
	{"Translate: 我很好。", "I am fine.", "I'm fine.", "correct"},
	{"Translate: 我很好。", "I am fine.", "I is fine.", "acceptable"},
}

// TestTeachingWithRealModels serves a grammar checker and a grader trained
// here, in seconds, from the repository's tiny pre-trained model: a
// student checks a sentence and grades answers over real HTTP.
func TestTeachingWithRealModels(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two tiny models (some seconds)")
	}
	dir := t.TempDir()
	chk, err := teaching.OpenChecker(checkertest.TrainChecker(t, "../..", dir, taughtSentences), "../../data/errors", "../../data/explain/en-for-zh.json", checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gr, err := teaching.OpenGrader(trainTinyGrader(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(o *api.Options) { o.Checker, o.Grader = chk, gr })
	student := e.createUser("stud", server.RoleStudent)
	t.Run("check", func(t *testing.T) { checkTaught(t, student) })
	t.Run("check refuses", func(t *testing.T) { checkRefuses(t, student) })
	t.Run("check at once", func(t *testing.T) { checkAtOnce(t, e, student) })
	t.Run("grade", func(t *testing.T) { gradeTaught(t, student) })
}

// checkTaught: the learned sentence comes back with its edit at character
// offsets, corrected, and explained in Chinese and English with an example.
func checkTaught(t *testing.T, c *client) {
	var res wire.CheckResult
	c.mustDo("POST", "/api/v1/check", wire.CheckRequest{Text: "Renée go to work."}, &res, 200)
	if res.Text != "Renée go to work." || res.Corrected != "Renée goes to work." || len(res.Edits) != 1 {
		t.Fatalf("check answered %+v", res)
	}
	ed := res.Edits[0]
	if ed.Start != 6 || ed.End != 8 || ed.Replacement != "goes" || ed.Type != "agreement" {
		t.Errorf("edit %+v, want characters [6,8) -> goes, agreement", ed)
	}
	if ed.ExplanationZH == "" || ed.ExplanationEN == "" || ed.Example == nil || ed.Example.Wrong == "" {
		t.Errorf("edit %+v lacks an explanation or an example", ed)
	}
	if ed.Confidence < 0.5 || ed.Confidence > 1 {
		t.Errorf("confidence %v outside [0.5, 1] at the default threshold", ed.Confidence)
	}
	// A correct sentence has an empty list of edits, not null.
	r := c.do("POST", "/api/v1/check", wire.CheckRequest{Text: "The dog runs fast."})
	if r.status != 200 || !strings.Contains(string(r.body), `"edits":[]`) {
		t.Errorf("a correct sentence: %d %s", r.status, r.body)
	}
}

// checkRefuses: what the checker itself refuses is a 422 with its code.
func checkRefuses(t *testing.T, c *client) {
	for _, text := range []string{"我今天去学校了。", "1234 !!!"} {
		r := c.expectError("POST", "/api/v1/check", wire.CheckRequest{Text: text}, 422, wire.CodeNotEnglish)
		if r.err.Field != "text" || !strings.HasSuffix(r.err.Message, ".") {
			t.Errorf("%q: %+v", text, r.err)
		}
	}
}

// checkAtOnce: students checking at the same moment each get their own
// sentence's answer.
func checkAtOnce(t *testing.T, e *env, first *client) {
	students := []*client{first, e.createUser("stud2", server.RoleStudent), e.createUser("stud3", server.RoleStudent)}
	want := map[string]string{"Renée go to work.": "Renée goes to work.", "I ate a apple.": "I ate an apple.", "My freind is kind.": "My friend is kind."}
	var wg sync.WaitGroup
	errs := make(chan error, 30)
	for k, s := range students {
		wg.Go(func() {
			for i := range 10 {
				text := taughtText(t, (k+i)%3)
				out, err := askCheckResult(s, text)
				if err == nil && out.Corrected != want[text] {
					err = fmt.Errorf("%q corrected to %q", text, out.Corrected)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// gradeTaught: a learned answer gets its grade with probabilities, and an
// answer equal to a reference is correct without the model.
func gradeTaught(t *testing.T, c *client) {
	var res wire.GradeResult
	c.mustDo("POST", "/api/v1/grade", wire.GradeRequest{Exercise: "Translate: 猫", References: []string{"a cat"}, Answer: "a dog"}, &res, 200)
	sum := 0.0
	for _, p := range res.Scores {
		sum += p
	}
	if res.Grade != wire.GradeWrong || res.Exact || len(res.Scores) != 3 || res.Confidence != res.Scores[res.Grade] || sum < 0.999 || sum > 1.001 {
		t.Errorf("grading a wrong answer: %+v", res)
	}
	c.mustDo("POST", "/api/v1/grade", wire.GradeRequest{Exercise: "Translate: 猫", References: []string{"a cat"}, Answer: "an cat"}, &res, 200)
	if res.Grade != wire.GradeAcceptable {
		t.Errorf("grading an answer with a small error: %+v", res)
	}
	c.mustDo("POST", "/api/v1/grade", wire.GradeRequest{Exercise: "Translate: 猫", References: []string{"a dog", "A cat"}, Answer: "a cat."}, &res, 200)
	if res.Grade != wire.GradeCorrect || !res.Exact || res.Confidence != 1 {
		t.Errorf("grading an answer equal to a reference: %+v", res)
	}
	// The grader's own, tighter limit is a 413 too.
	c.expectError("POST", "/api/v1/grade", wire.GradeRequest{References: []string{"a cat"}, Answer: strings.Repeat("cat ", 150)}, 413, wire.CodeTooLong)
}

func taughtText(t *testing.T, i int) string {
	s, err := gecscore.ParseMarkup("", taughtSentences[i])
	if err != nil {
		t.Error(err)
	}
	return s.Text
}

// askCheckResult sends one check from any goroutine and returns errors
// rather than failing.
func askCheckResult(s *client, text string) (wire.CheckResult, error) {
	body, _ := json.Marshal(wire.CheckRequest{Text: text})
	req, err := http.NewRequest(http.MethodPost, s.e.url+"/api/v1/check", bytes.NewReader(body))
	if err != nil {
		return wire.CheckResult{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", s.csrf)
	res, err := s.http.Do(req)
	if err != nil {
		return wire.CheckResult{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return wire.CheckResult{}, err
	}
	if res.StatusCode != http.StatusOK {
		return wire.CheckResult{}, fmt.Errorf("%q: status %d: %s", text, res.StatusCode, data)
	}
	var out wire.CheckResult
	if err := json.Unmarshal(data, &out); err != nil {
		return out, fmt.Errorf("decoding %s: %w", data, err)
	}
	if out.Text != text {
		return out, fmt.Errorf("asked about %q, answered about %q", text, out.Text)
	}
	return out, nil
}

// trainTinyGrader fine-tunes testdata/tiny-model as a classifier of the
// taught answers into the three grades and returns its run directory.
func trainTinyGrader(t *testing.T, dir string) string {
	t.Helper()
	var lines []any
	for _, a := range taughtAnswers {
		lines = append(lines, map[string]string{"text": grader.FormatInput(a[0], []string{a[1]}, a[2]), "label": a[3]})
	}
	return checkertest.Train(t, "../..", filepath.Join(dir, "grader"), "classification", `"labels": ["correct", "acceptable", "wrong"],`, lines)
}
