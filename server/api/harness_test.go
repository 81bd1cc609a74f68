package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server"
	"github.com/tutor-dev/tutor/server/api"
	"github.com/tutor-dev/tutor/server/sqlite"
)

// env is a real server on loopback over a real SQLite file.
type env struct {
	t     testing.TB
	url   string
	store *sqlite.DB
	admin *client
}

func newEnv(t testing.TB, opts ...func(*api.Options)) *env {
	t.Helper()
	store := openStore(t)
	o := api.Options{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, f := range opts {
		f(&o)
	}
	ts := httptest.NewServer(api.New(o))
	t.Cleanup(ts.Close)
	e := &env{t: t, url: ts.URL, store: store}
	e.admin = e.setupAdmin()
	return e
}

// setupAdmin runs the first-run setup with the one-time token.
func (e *env) setupAdmin() *client {
	token, err := api.EnsureSetupToken(context.Background(), e.store)
	if err != nil || token == "" {
		e.t.Fatalf("setup token: %q, %v", token, err)
	}
	c := e.newClient()
	var resp wire.SessionResponse
	c.mustDo("POST", "/api/v1/setup", wire.SetupRequest{Token: token, Username: "admin", Password: "admin-password"}, &resp, 201)
	if resp.User.Role != "admin" || resp.CSRFToken == "" {
		e.t.Fatalf("setup answered %+v", resp)
	}
	return c
}

// client is a browser-like client: a cookie jar and the CSRF token, or a
// bearer token for scripts.
type client struct {
	e      *env
	http   *http.Client
	csrf   string
	bearer string
	user   wire.User
}

func (e *env) newClient() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// response is what came back: the status, the raw body and, for errors, the
// decoded envelope.
type response struct {
	status int
	body   []byte
	err    wire.ErrorDetail
	header http.Header
}

func (c *client) do(method, path string, body any) response {
	c.e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.e.url+path, rd)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, body: data, header: res.Header}
	if res.StatusCode >= 400 && method != http.MethodHead {
		var eb wire.ErrorBody
		if err := json.Unmarshal(data, &eb); err != nil || eb.Error.Code == "" || eb.Error.Message == "" {
			c.e.t.Fatalf("%s %s: status %d without the error envelope: %s", method, path, res.StatusCode, data)
		}
		r.err = eb.Error
	}
	return r
}

// mustDo expects the status and decodes the body into out; it remembers a
// session's CSRF token.
func (c *client) mustDo(method, path string, body, out any, status int) {
	c.e.t.Helper()
	r := c.do(method, path, body)
	if r.status != status {
		c.e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, status, r.body)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			c.e.t.Fatalf("%s %s: decoding %s: %v", method, path, r.body, err)
		}
	}
	if s, ok := out.(*wire.SessionResponse); ok {
		if s.CSRFToken != "" {
			c.csrf = s.CSRFToken
		}
		c.user = s.User
	}
}

// expectError checks the status and the error code.
func (c *client) expectError(method, path string, body any, status int, code string) response {
	c.e.t.Helper()
	r := c.do(method, path, body)
	if r.status != status || (code != "" && r.err.Code != code) {
		c.e.t.Fatalf("%s %s: got %d %q (%s), want %d %q", method, path, r.status, r.err.Code, r.err.Message, status, code)
	}
	return r
}

// createUser makes an account as the admin and returns a logged-in client.
func (e *env) createUser(username string, role server.Role) *client {
	e.t.Helper()
	e.admin.mustDo("POST", "/api/v1/users", wire.CreateUserRequest{Username: username, Password: "password-" + username, Role: string(role)}, nil, 201)
	return e.login(username)
}

func (e *env) login(username string) *client {
	e.t.Helper()
	c := e.newClient()
	var resp wire.SessionResponse
	c.mustDo("POST", "/api/v1/auth/login", wire.LoginRequest{Username: username, Password: "password-" + username}, &resp, 200)
	return c
}

// importSmallPack imports testdata/small-pack.json as the given client.
func (e *env) importSmallPack(c *client) {
	e.t.Helper()
	data, err := os.ReadFile("testdata/small-pack.json")
	if err != nil {
		e.t.Fatal(err)
	}
	c.mustDo("POST", "/api/v1/courses", data, nil, 201)
}

// classWithStudent makes a teacher, a class on the small pack, and a student
// who signed up with its join code.
func (e *env) classWithStudent(teacherName, studentName string) (teacher, student *client, class wire.Class) {
	e.t.Helper()
	teacher = e.createUser(teacherName, server.RoleTeacher)
	e.importSmallPack(teacher)
	teacher.mustDo("POST", "/api/v1/classes", wire.CreateClassRequest{Name: "Class of " + teacherName, CourseID: "test-en"}, &class, 201)
	student = e.newClient()
	var resp wire.SessionResponse
	student.mustDo("POST", "/api/v1/auth/signup", wire.SignupRequest{JoinCode: class.JoinCode, Username: studentName,
		Password: "password-" + studentName}, &resp, 201)
	return teacher, student, class
}

var uuidCounter int

// event makes a valid review event with a fresh UUID.
func event(item string, at time.Time) wire.ReviewEvent {
	uuidCounter++
	return wire.ReviewEvent{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", uuidCounter), DeviceID: "dev1",
		CourseID: "test-en", ItemID: item, Answer: "x", Correct: true, Rating: 3, AnsweredAt: at, DurationMS: 1500}
}

func openStore(t testing.TB) *sqlite.DB {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "tutor.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// serve starts the API over store on loopback and returns its URL.
func serve(t testing.TB, store server.Store) string {
	t.Helper()
	ts := httptest.NewServer(api.New(api.Options{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(ts.Close)
	return ts.URL
}

func itoa(n int64) string { return fmt.Sprint(n) }
