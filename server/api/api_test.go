package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server"
	"github.com/tutor-dev/tutor/server/api"
)

func TestHealthzAndMetrics(t *testing.T) {
	e := newEnv(t)
	c := e.newClient()
	c.mustDo("GET", "/healthz", nil, nil, 200)
	c.expectError("POST", "/api/v1/auth/login", wire.LoginRequest{Username: "admin", Password: "wrong-password"}, 401, server.EUNAUTHORIZED)
	r := c.do("GET", "/metrics", nil)
	text := string(r.body)
	for _, want := range []string{
		`tutor_http_requests_total{method="POST",route="/api/v1/auth/login",status="401"} 1`,
		`tutor_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`tutor_http_request_duration_seconds_bucket{route="/api/v1/auth/login",le="+Inf"} 1`,
		"# TYPE tutor_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	r := e.newClient().do("GET", "/api/v1/setup", nil)
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Cache-Control": "no-store"} {
		if got := r.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP = %q", r.header.Get("Content-Security-Policy"))
	}
}

func TestSetupIsOneTime(t *testing.T) {
	e := newEnv(t) // runs setup once
	c := e.newClient()
	var status map[string]bool
	c.mustDo("GET", "/api/v1/setup", nil, &status, 200)
	if status["needed"] {
		t.Fatal("setup still needed after the admin was created")
	}
	c.expectError("POST", "/api/v1/setup", wire.SetupRequest{Token: "anything", Username: "second", Password: "password-x"}, 409, server.ESETUPDONE)
	if tok, err := api.EnsureSetupToken(context.Background(), e.store); err != nil || tok != "" {
		t.Fatalf("a setup token was made after setup: %q %v", tok, err)
	}
}

func TestSetupRejectsWrongToken(t *testing.T) {
	store := openStore(t)
	if _, err := api.EnsureSetupToken(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: store, url: serve(t, store)}
	r := e.newClient().expectError("POST", "/api/v1/setup", wire.SetupRequest{Token: "guess", Username: "admin", Password: "admin-password"}, 403, server.EFORBIDDEN)
	if r.err.Field != "token" {
		t.Errorf("field = %q", r.err.Field)
	}
	if n, _ := store.CountUsers(context.Background()); n != 0 {
		t.Fatalf("%d users after a refused setup", n)
	}
}

func TestLoginLogoutAndSessions(t *testing.T) {
	e := newEnv(t)
	e.createUser("teacher1", server.RoleTeacher)
	c := e.newClient()
	c.expectError("POST", "/api/v1/auth/login", wire.LoginRequest{Username: "teacher1", Password: "nope-nope"}, 401, server.EUNAUTHORIZED)
	c.expectError("POST", "/api/v1/auth/login", wire.LoginRequest{Username: "nobody", Password: "nope-nope"}, 401, server.EUNAUTHORIZED)
	c.expectError("GET", "/api/v1/me", nil, 401, server.EUNAUTHORIZED)

	var s wire.SessionResponse
	c.mustDo("POST", "/api/v1/auth/login", wire.LoginRequest{Username: "TEACHER1", Password: "password-teacher1"}, &s, 200)
	if s.User.Username != "teacher1" || s.User.Role != "teacher" {
		t.Fatalf("logged in as %+v", s.User)
	}
	c.mustDo("GET", "/api/v1/me", nil, &s, 200)

	// Logout needs the CSRF token too, then the session is gone.
	csrf := c.csrf
	c.csrf = ""
	c.expectError("POST", "/api/v1/auth/logout", nil, 403, server.ECSRF)
	c.csrf = csrf
	c.mustDo("POST", "/api/v1/auth/logout", nil, nil, 204)
	c.expectError("GET", "/api/v1/me", nil, 401, server.EUNAUTHORIZED)
}

func TestSessionCookieFlags(t *testing.T) {
	e := newEnv(t)
	e.createUser("stud", server.RoleStudent)
	r := e.newClient().do("POST", "/api/v1/auth/login", wire.LoginRequest{Username: "stud", Password: "password-stud"})
	ck := r.header.Get("Set-Cookie")
	for _, want := range []string{"tutor_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(ck, want) {
			t.Errorf("Set-Cookie %q lacks %q", ck, want)
		}
	}
	if strings.Contains(ck, "Secure") {
		t.Errorf("Secure cookie over plain HTTP: %q", ck)
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, func(o *api.Options) { o.LoginRate = 3 })
	c := e.newClient()
	for range 3 {
		c.expectError("POST", "/api/v1/auth/login", wire.LoginRequest{Username: "admin", Password: "wrong-password"}, 401, server.EUNAUTHORIZED)
	}
	r := c.expectError("POST", "/api/v1/auth/login", wire.LoginRequest{Username: "admin", Password: "admin-password"}, 429, server.ERATELIMIT)
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

func TestCSRFAndBearerTokens(t *testing.T) {
	e := newEnv(t)
	teacher := e.createUser("teach", server.RoleTeacher)
	e.importSmallPack(teacher)
	req := wire.CreateClassRequest{Name: "A", CourseID: "test-en"}

	csrf := teacher.csrf
	teacher.csrf = ""
	teacher.expectError("POST", "/api/v1/classes", req, 403, server.ECSRF)
	teacher.csrf = "forged"
	teacher.expectError("POST", "/api/v1/classes", req, 403, server.ECSRF)
	teacher.csrf = csrf
	teacher.mustDo("POST", "/api/v1/classes", req, nil, 201)

	// A script uses a bearer token and needs no CSRF token.
	var tok wire.TokenResponse
	teacher.mustDo("POST", "/api/v1/auth/tokens", wire.TokenRequest{Label: "grading script"}, &tok, 201)
	script := e.newClient()
	script.bearer = tok.Token
	script.mustDo("POST", "/api/v1/classes", wire.CreateClassRequest{Name: "B", CourseID: "test-en"}, nil, 201)
	var classes []wire.Class
	script.mustDo("GET", "/api/v1/classes", nil, &classes, 200)
	if len(classes) != 2 {
		t.Fatalf("script sees %d classes, want 2", len(classes))
	}
	script.bearer = "not-a-token"
	script.expectError("GET", "/api/v1/classes", nil, 401, server.EUNAUTHORIZED)
	teacher.expectError("POST", "/api/v1/auth/tokens", wire.TokenRequest{Label: ""}, 400, server.EINVALID)
}

func TestAdminManagesUsers(t *testing.T) {
	e := newEnv(t)
	student := e.createUser("stud", server.RoleStudent)
	teacher := e.createUser("teach", server.RoleTeacher)

	var users []wire.User
	e.admin.mustDo("GET", "/api/v1/users", nil, &users, 200)
	if len(users) != 3 {
		t.Fatalf("%d users, want 3", len(users))
	}
	for _, c := range []*client{student, teacher} {
		c.expectError("GET", "/api/v1/users", nil, 403, server.EFORBIDDEN)
		c.expectError("POST", "/api/v1/users", wire.CreateUserRequest{Username: "x-user", Password: "password-x", Role: "admin"}, 403, server.EFORBIDDEN)
		c.expectError("PATCH", "/api/v1/users/1", wire.UpdateUserRequest{}, 403, server.EFORBIDDEN)
	}

	r := e.admin.expectError("POST", "/api/v1/users", wire.CreateUserRequest{Username: "stud", Password: "password-x", Role: "student"}, 409, server.ECONFLICT)
	if r.err.Field != "username" {
		t.Errorf("duplicate username field = %q", r.err.Field)
	}
	r = e.admin.expectError("POST", "/api/v1/users", wire.CreateUserRequest{Username: "new", Password: "password-x", Role: "wizard"}, 400, server.EINVALID)
	if r.err.Field != "role" {
		t.Errorf("bad role field = %q", r.err.Field)
	}
	r = e.admin.expectError("POST", "/api/v1/users", wire.CreateUserRequest{Username: "new", Password: "short", Role: "student"}, 400, server.EINVALID)
	if r.err.Field != "password" {
		t.Errorf("short password field = %q", r.err.Field)
	}
	e.admin.expectError("PATCH", "/api/v1/users/999", wire.UpdateUserRequest{}, 404, server.ENOTFOUND)

	// Disabling ends the student's session and refuses new logins.
	yes := true
	e.admin.mustDo("PATCH", "/api/v1/users/"+itoa(student.user.ID), wire.UpdateUserRequest{Disabled: &yes}, nil, 200)
	student.expectError("GET", "/api/v1/me", nil, 401, server.EUNAUTHORIZED)
	e.newClient().expectError("POST", "/api/v1/auth/login", wire.LoginRequest{Username: "stud", Password: "password-stud"}, 401, server.EUNAUTHORIZED)

	// Promote the teacher; an admin cannot demote themself.
	admin := "admin"
	e.admin.mustDo("PATCH", "/api/v1/users/"+itoa(teacher.user.ID), wire.UpdateUserRequest{Role: &admin}, nil, 200)
	teacher.mustDo("GET", "/api/v1/users", nil, nil, 200)
	st := "student"
	e.admin.expectError("PATCH", "/api/v1/users/"+itoa(e.admin.user.ID), wire.UpdateUserRequest{Role: &st}, 400, server.EINVALID)
}

func TestClassesAndJoinCodes(t *testing.T) {
	e := newEnv(t)
	teacherA, studentA, classA := e.classWithStudent("teacher-a", "student-a")
	teacherB := e.createUser("teacher-b", server.RoleTeacher)
	if len(classA.JoinCode) != 8 {
		t.Fatalf("join code %q", classA.JoinCode)
	}

	// Students cannot create classes nor read class progress.
	studentA.expectError("POST", "/api/v1/classes", wire.CreateClassRequest{Name: "X", CourseID: "test-en"}, 403, server.EFORBIDDEN)
	studentA.expectError("GET", "/api/v1/classes/"+itoa(classA.ID)+"/progress", nil, 403, server.EFORBIDDEN)

	// A student sees their class without its join code.
	var classes []wire.Class
	studentA.mustDo("GET", "/api/v1/classes", nil, &classes, 200)
	if len(classes) != 1 || classes[0].JoinCode != "" || classes[0].ID != classA.ID {
		t.Fatalf("student sees %+v", classes)
	}
	// Teacher B sees none of A's classes and gets 404 for A's progress.
	teacherB.mustDo("GET", "/api/v1/classes", nil, &classes, 200)
	if len(classes) != 0 {
		t.Fatalf("teacher B sees %+v", classes)
	}
	teacherB.expectError("GET", "/api/v1/classes/"+itoa(classA.ID)+"/progress", nil, 404, server.ENOTFOUND)
	teacherA.mustDo("GET", "/api/v1/classes/"+itoa(classA.ID)+"/progress", nil, nil, 200)
	e.admin.mustDo("GET", "/api/v1/classes/"+itoa(classA.ID)+"/progress", nil, nil, 200)
	e.admin.mustDo("GET", "/api/v1/classes", nil, &classes, 200)
	if len(classes) != 1 || classes[0].Members != 1 {
		t.Fatalf("admin sees %+v", classes)
	}

	// Bad join codes and courses.
	r := e.newClient().expectError("POST", "/api/v1/auth/signup", wire.SignupRequest{JoinCode: "ZZZZZZZZ", Username: "student-two", Password: "password-s2"}, 404, server.ENOTFOUND)
	if r.err.Field != "join_code" {
		t.Errorf("field = %q", r.err.Field)
	}
	e.newClient().expectError("POST", "/api/v1/auth/signup", wire.SignupRequest{JoinCode: "abc", Username: "student-two", Password: "password-s2"}, 400, server.EINVALID)
	e.newClient().expectError("POST", "/api/v1/auth/signup", wire.SignupRequest{JoinCode: classA.JoinCode, Username: "student-a", Password: "password-s2"}, 409, server.ECONFLICT)
	teacherA.expectError("POST", "/api/v1/classes", wire.CreateClassRequest{Name: "X", CourseID: "no-such"}, 400, server.EINVALID)
	teacherA.expectError("GET", "/api/v1/classes/abc/progress", nil, 400, server.EINVALID)

	// A student joins a second class with a lower-case, dashed code.
	var classB wire.Class
	teacherB.mustDo("POST", "/api/v1/classes", wire.CreateClassRequest{Name: "B", CourseID: "test-en"}, &classB, 201)
	code := strings.ToLower(classB.JoinCode[:4] + "-" + classB.JoinCode[4:])
	studentA.mustDo("POST", "/api/v1/me/classes", wire.JoinRequest{JoinCode: code}, nil, 200)
	var me wire.SessionResponse
	studentA.mustDo("GET", "/api/v1/me", nil, &me, 200)
	if len(me.Classes) != 2 {
		t.Fatalf("student in %d classes, want 2", len(me.Classes))
	}
	teacherA.expectError("POST", "/api/v1/me/classes", wire.JoinRequest{JoinCode: classB.JoinCode}, 403, server.EFORBIDDEN)
}

func TestCourseImportExport(t *testing.T) {
	e := newEnv(t)
	teacher := e.createUser("teach", server.RoleTeacher)
	student := e.createUser("stud", server.RoleStudent)
	data, err := os.ReadFile("testdata/small-pack.json")
	if err != nil {
		t.Fatal(err)
	}
	student.expectError("POST", "/api/v1/courses", data, 403, server.EFORBIDDEN)
	var rep wire.ImportReport
	teacher.mustDo("POST", "/api/v1/courses", data, &rep, 201)
	if rep.CourseID != "test-en" || rep.Items != 5 || rep.Units != 1 || rep.Lessons != 1 {
		t.Fatalf("import report %+v", rep)
	}

	var list []wire.CourseSummary
	student.mustDo("GET", "/api/v1/courses", nil, &list, 200)
	if len(list) != 1 || list[0].Items != 5 {
		t.Fatalf("courses %+v", list)
	}
	student.mustDo("GET", "/api/v1/courses/test-en", nil, nil, 200)
	student.expectError("GET", "/api/v1/courses/nope", nil, 404, server.ENOTFOUND)
	student.expectError("GET", "/api/v1/courses/test-en/export", nil, 403, server.EFORBIDDEN)
	r := teacher.do("GET", "/api/v1/courses/test-en/export", nil)
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Disposition"), "test-en.json") {
		t.Fatalf("export: %d %q", r.status, r.header.Get("Content-Disposition"))
	}
	// The export imports again unchanged.
	teacher.mustDo("POST", "/api/v1/courses", r.body, &rep, 201)

	// A pack with a bad item is refused whole, naming the item and field,
	// and the stored course is untouched.
	bad := strings.Replace(string(data), `"answers": ["water"]`, `"answers": []`, 1)
	bad = strings.Replace(bad, `"title": "Test English"`, `"title": "Changed"`, 1)
	r = teacher.expectError("POST", "/api/v1/courses", bad, 400, server.EINVALID)
	if !strings.Contains(r.err.Message, "w-water") || !strings.Contains(r.err.Message, "answers") {
		t.Errorf("error does not name the item and field: %s", r.err.Message)
	}
	student.mustDo("GET", "/api/v1/courses", nil, &list, 200)
	if list[0].Title != "Test English" {
		t.Fatalf("a refused import changed the course: %+v", list[0])
	}
	teacher.expectError("POST", "/api/v1/courses", `{"schema":`, 400, server.EINVALID)
}

func TestBodyLimits(t *testing.T) {
	e := newEnv(t)
	big := `{"username":"` + strings.Repeat("a", 2<<20) + `","password":"x"}`
	e.newClient().expectError("POST", "/api/v1/auth/login", big, 413, server.ETOOLARGE)
	huge := make([]byte, 33<<20)
	e.admin.expectError("POST", "/api/v1/courses", huge, 413, server.ETOOLARGE)
}

func TestRequestDecodingErrors(t *testing.T) {
	e := newEnv(t)
	c := e.newClient()
	r := c.expectError("POST", "/api/v1/auth/login", `{"username":"a","pasword":"b"}`, 400, server.EINVALID)
	if r.err.Field != "pasword" {
		t.Errorf("unknown field not named: %+v", r.err)
	}
	r = c.expectError("POST", "/api/v1/auth/login", `{"username":5}`, 400, server.EINVALID)
	if r.err.Field != "username" {
		t.Errorf("wrong type not named: %+v", r.err)
	}
	c.expectError("POST", "/api/v1/auth/login", `{"username":"a"} {}`, 400, server.EINVALID)
	c.expectError("POST", "/api/v1/auth/login", ``, 400, server.EINVALID)
	c.expectError("GET", "/api/v1/nowhere", nil, 404, server.ENOTFOUND)
}

func TestSyncIsIdempotent(t *testing.T) {
	e := newEnv(t)
	_, student, _ := e.classWithStudent("teach", "stud")
	now := time.Now().Add(-time.Hour)
	events := []wire.ReviewEvent{event("w-house", now), event("w-water", now.Add(time.Minute)), event("c-cat", now.Add(2*time.Minute))}

	var resp wire.SyncResponse
	student.mustDo("POST", "/api/v1/sync/reviews", wire.SyncRequest{Events: events}, &resp, 200)
	if len(resp.Acked) != 3 || resp.Version != 3 {
		t.Fatalf("first sync %+v", resp)
	}
	// The same upload again (a lost ack) is acked again and stored once.
	student.mustDo("POST", "/api/v1/sync/reviews", wire.SyncRequest{Events: append(events, event("m-go", now))}, &resp, 200)
	if len(resp.Acked) != 4 || resp.Version != 4 {
		t.Fatalf("second sync %+v", resp)
	}
	var log []wire.ReviewEvent
	student.mustDo("GET", "/api/v1/reviews", nil, &log, 200)
	if len(log) != 4 {
		t.Fatalf("%d reviews stored, want 4", len(log))
	}

	// Invalid events are rejected one by one; valid ones in the same batch stored.
	badID := event("w-house", now)
	badID.ID = "not-a-uuid"
	badItem := event("no-such-item", now)
	badRating := event("w-house", now)
	badRating.Rating = 9
	future := event("w-house", time.Now().Add(48*time.Hour))
	good := event("o-sent", now)
	student.mustDo("POST", "/api/v1/sync/reviews", wire.SyncRequest{Events: []wire.ReviewEvent{badID, badItem, badRating, future, good}}, &resp, 200)
	if !slices.Equal(resp.Acked, []string{good.ID}) || len(resp.Rejected) != 4 {
		t.Fatalf("mixed batch: %+v", resp)
	}
	fields := []string{}
	for _, r := range resp.Rejected {
		fields = append(fields, r.Field)
	}
	if !slices.Equal(fields, []string{"id", "item_id", "rating", "answered_at"}) {
		t.Errorf("rejected fields %v", fields)
	}

	// Another user's event id is not acknowledged to this user.
	_, other, _ := e.classWithStudent("teach2", "stud2")
	other.mustDo("POST", "/api/v1/sync/reviews", wire.SyncRequest{Events: events[:1]}, &resp, 200)
	if len(resp.Acked) != 0 || resp.Version != 0 {
		t.Fatalf("other user's id acked: %+v", resp)
	}

	tooMany := make([]wire.ReviewEvent, wire.MaxSyncEvents+1)
	student.expectError("POST", "/api/v1/sync/reviews", wire.SyncRequest{Events: tooMany}, 400, server.EINVALID)
	e.newClient().expectError("POST", "/api/v1/sync/reviews", wire.SyncRequest{Events: events}, 401, server.EUNAUTHORIZED)
}

func TestProgressFollowsTheLog(t *testing.T) {
	e := newEnv(t)
	teacher, student, class := e.classWithStudent("teach", "stud")
	var p wire.Progress
	student.mustDo("GET", "/api/v1/progress", nil, &p, 200)
	if p.Reviews != 0 || p.Learned != 0 {
		t.Fatalf("fresh progress %+v", p)
	}
	now := time.Now().Add(-time.Hour)
	events := []wire.ReviewEvent{event("w-house", now), event("w-water", now), event("c-cat", now)}
	student.mustDo("POST", "/api/v1/sync/reviews", wire.SyncRequest{Events: events}, nil, 200)
	student.mustDo("GET", "/api/v1/progress?course=test-en", nil, &p, 200)
	if p.Reviews != 3 || p.Learned != 3 || p.Streak != 1 || len(p.Units) != 1 || p.Units[0].Learned != 3 {
		t.Fatalf("progress after 3 reviews %+v", p)
	}
	var cp wire.ClassProgress
	teacher.mustDo("GET", "/api/v1/classes/"+itoa(class.ID)+"/progress", nil, &cp, 200)
	if len(cp.Students) != 1 || cp.Students[0].Reviews != 3 || cp.Students[0].Username != "stud" {
		t.Fatalf("class progress %+v", cp)
	}
	student.expectError("GET", "/api/v1/progress?course=nope", nil, 404, server.ENOTFOUND)
	// The teacher's own log is separate: they have no reviews.
	var log []wire.ReviewEvent
	teacher.mustDo("GET", "/api/v1/reviews", nil, &log, 200)
	if len(log) != 0 {
		t.Fatalf("teacher sees %d reviews", len(log))
	}
}

func TestPanicsBecome500WithEnvelope(t *testing.T) {
	e := newEnv(t)
	// A closed store makes every handler fail; the answer is still the envelope.
	e.store.Close()
	r := e.admin.do("GET", "/api/v1/users", nil)
	if r.status != http.StatusInternalServerError || r.err.Code != server.EINTERNAL || strings.Contains(r.err.Message, "sql") {
		t.Fatalf("store failure answered %d %+v", r.status, r.err)
	}
	r = e.newClient().do("GET", "/healthz", nil)
	var body map[string]string
	_ = json.Unmarshal(r.body, &body)
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("healthz with a closed store: %d %s", r.status, r.body)
	}
}
