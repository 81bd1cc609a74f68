package api_test

import (
	"context"
	"encoding/json"
	"testing"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server/api"
)

// fuzzTargets are the endpoints whose request bodies the fuzzer feeds.
var fuzzTargets = []struct{ method, path string }{
	{"POST", "/api/v1/auth/login"},
	{"POST", "/api/v1/auth/signup"},
	{"POST", "/api/v1/setup"},
	{"POST", "/api/v1/auth/tokens"},
	{"POST", "/api/v1/me/classes"},
	{"POST", "/api/v1/classes"},
	{"POST", "/api/v1/users"},
	{"PATCH", "/api/v1/users/2"},
	{"POST", "/api/v1/sync/reviews"},
	{"POST", "/api/v1/courses"},
}

// FuzzAPIRequest sends arbitrary bodies to every endpoint that decodes one,
// as an admin with a valid session: the server must never answer 5xx, every
// error must carry the envelope, and a refused course import must leave the
// stored courses exactly as they were.
func FuzzAPIRequest(f *testing.F) {
	f.Add(uint8(0), []byte(`{"username":"admin","password":"admin-password"}`))
	f.Add(uint8(8), []byte(`{"events":[{"id":"00000000-0000-4000-8000-000000000001","course_id":"test-en","item_id":"w-house","rating":3,"answered_at":"2026-01-01T00:00:00Z"}]}`))
	f.Add(uint8(9), []byte(`{"schema":"tutor.content/v1","course":{"id":"x"}}`))
	e := newEnv(f, func(o *api.Options) { o.LoginRate = 1 << 30 }) // the fuzzer logs in often
	e.importSmallPack(e.admin)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		e.t = t // inputs run one at a time in each fuzzing process
		target := fuzzTargets[int(which)%len(fuzzTargets)]
		before, err := e.store.ListCourses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r := e.admin.do(target.method, target.path, body) // fails on a missing envelope
		if r.status >= 500 {
			t.Fatalf("%s %s answered %d: %s", target.method, target.path, r.status, r.body)
		}
		if target.path == "/api/v1/courses" && r.status != 201 {
			after, err := e.store.ListCourses(ctx)
			if err != nil {
				t.Fatal(err)
			}
			b1, _ := json.Marshal(before)
			b2, _ := json.Marshal(after)
			if string(b1) != string(b2) {
				t.Fatalf("a refused import (%d) changed the courses:\n%s\n%s", r.status, b1, b2)
			}
		}
		if target.path == "/api/v1/auth/tokens" || r.status == 200 && target.path == "/api/v1/auth/login" {
			// A successful login as someone else would replace the admin's
			// session cookie; log back in so the next input runs as admin.
			var s wire.SessionResponse
			e.admin.mustDo("POST", "/api/v1/auth/login", wire.LoginRequest{Username: "admin", Password: "admin-password"}, &s, 200)
		}
	})
}
