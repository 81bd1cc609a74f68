package api_test

import (
	"strings"
	"testing"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server"
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
		{"no reference", "/api/v1/grade", wire.GradeRequest{Answer: "a cat"}, 400, server.EINVALID, "references"},
		{"blank reference", "/api/v1/grade", wire.GradeRequest{References: []string{" "}, Answer: "a cat"}, 422, wire.CodeEmpty, "references"},
		{"too many references", "/api/v1/grade", wire.GradeRequest{References: make([]string, wire.MaxReferences+1), Answer: "a cat"}, 400, server.EINVALID, "references"},
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
