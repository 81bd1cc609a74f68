package api_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/model/bundle"
	"github.com/tutor-dev/tutor/server"
	"github.com/tutor-dev/tutor/server/api"
	"github.com/tutor-dev/tutor/server/registry"
)

// modelEnv is a server with a signing key, a class with a student, and a
// second class with its own teacher and student.
type modelEnv struct {
	*env
	key                        ed25519.PrivateKey
	teacher, student           *client
	class                      wire.Class
	otherTeacher, otherStudent *client
	otherClass                 wire.Class
}

func newModelEnv(t *testing.T) *modelEnv {
	t.Helper()
	key, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(o *api.Options) { o.ModelKey = key.Public().(ed25519.PublicKey) })
	m := &modelEnv{env: e, key: key}
	m.teacher, m.student, m.class = e.classWithStudent("teach", "stud")
	m.otherTeacher = e.createUser("teach2", server.RoleTeacher)
	m.otherTeacher.mustDo("POST", "/api/v1/classes", wire.CreateClassRequest{Name: "Other", CourseID: "test-en"}, &m.otherClass, 201)
	m.otherStudent = e.newClient()
	m.otherStudent.mustDo("POST", "/api/v1/auth/signup", wire.SignupRequest{JoinCode: m.otherClass.JoinCode,
		Username: "stud2", Password: "password-stud2"}, &wire.SessionResponse{}, 201)
	return m
}

// publish signs a model folder for the class through the registry, as
// tutor publish does, and returns the weights it holds.
func (m *modelEnv) publish(classID int64, seed byte) []byte {
	m.t.Helper()
	return m.publishTask(classID, "gec", seed)
}

// publishTask is publish for a model of the task, "gec" or "grade".
func (m *modelEnv) publishTask(classID int64, task string, seed byte) []byte {
	m.t.Helper()
	src := m.t.TempDir()
	weights := make([]byte, 50_000)
	for i := range weights {
		weights[i] = byte(i*31) ^ seed
	}
	for name, data := range map[string][]byte{"model.safetensors": weights,
		"config.json": []byte(`{"vocab_size": 512}`), "tokenizer.json": []byte(`{"model": {}}`)} {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			m.t.Fatal(err)
		}
	}
	files, err := bundle.FolderFiles(src)
	if err != nil {
		m.t.Fatal(err)
	}
	_, _, err = registry.Publish(context.Background(), m.store, m.key, m.store.Path(), registry.Release{ClassID: classID,
		Files: files, Task: task, Kind: "student", Metrics: map[string]float64{"f0.5": 0.4}})
	if err != nil {
		m.t.Fatal(err)
	}
	return weights
}

// get sends a GET (or HEAD) with extra headers.
func (c *client) get(method, path string, header map[string]string) response {
	c.e.t.Helper()
	req, err := http.NewRequest(method, c.e.url+path, nil)
	if err != nil {
		c.e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: data, header: res.Header}
}

// download fetches a release's whole bundle over HTTP into a new folder,
// as a client would before verifying it.
func download(t *testing.T, c *client, r wire.ModelRelease, pinned ed25519.PublicKey) string {
	t.Helper()
	m, err := bundle.OpenManifest(r.Manifest, r.Signature, pinned)
	if err != nil {
		t.Fatalf("the manifest of /models/current does not verify: %v", err)
	}
	dir := t.TempDir()
	for _, name := range append(m.Names(), bundle.ManifestFile, bundle.SignatureFile) {
		res := c.get("GET", r.FilesURL+name, nil)
		if res.status != 200 {
			t.Fatalf("GET %s%s: %d %s", r.FilesURL, name, res.status, res.body)
		}
		if err := os.WriteFile(filepath.Join(dir, name), res.body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func (m *modelEnv) pinnedKey(username string) ed25519.PublicKey {
	m.t.Helper()
	var s wire.SessionResponse
	m.newClient().mustDo("POST", "/api/v1/auth/login", wire.LoginRequest{Username: username, Password: "password-" + username}, &s, 200)
	pub, err := bundle.ParsePublicKey(s.ModelKey)
	if err != nil {
		m.t.Fatalf("login's model_key %q: %v", s.ModelKey, err)
	}
	return pub
}

func TestModelPublishDownloadVerify(t *testing.T) {
	m := newModelEnv(t)
	classQ := "?class=" + itoa(m.class.ID)

	r := m.student.expectError("GET", "/api/v1/models/current", nil, 404, server.ENOTFOUND)
	if !strings.Contains(r.err.Message, "No model has been published") {
		t.Errorf("no-model message: %q", r.err.Message)
	}
	pinned := m.pinnedKey("stud")
	var key wire.ModelKey
	m.newClient().mustDo("GET", "/api/v1/models/key", nil, &key, 200)
	if key.Algorithm != "ed25519" || key.PublicKey != bundle.PublicKeyText(pinned) || !pinned.Equal(m.key.Public()) {
		t.Fatalf("GET /models/key = %+v; login pinned %s", key, bundle.PublicKeyText(pinned))
	}

	m.publish(m.class.ID, 1)
	weights2 := m.publish(m.class.ID, 2)

	var cur wire.ModelRelease
	m.student.mustDo("GET", "/api/v1/models/current", nil, &cur, 200)
	if cur.Version != 2 || cur.Parent != 1 || cur.ClassID != m.class.ID || !cur.Current || cur.Task != "gec" ||
		cur.FilesURL != "/api/v1/models/2/files/" || cur.Size < 50_000 {
		t.Fatalf("current model %+v", cur)
	}
	dir := download(t, m.student, cur, pinned)
	man, err := bundle.Verify(os.DirFS(dir), pinned)
	if err != nil {
		t.Fatalf("the downloaded bundle does not verify: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "model.safetensors")); man.Version != 2 || !bytes.Equal(got, weights2) {
		t.Fatalf("downloaded version %d with the wrong weights", man.Version)
	}

	// Resuming a download: a byte range.
	file := cur.FilesURL + "model.safetensors"
	res := m.student.get("GET", file, map[string]string{"Range": "bytes=1000-1999"})
	if res.status != 206 || !bytes.Equal(res.body, weights2[1000:2000]) || res.header.Get("Content-Range") != "bytes 1000-1999/50000" {
		t.Errorf("Range: %d %s, %d bytes", res.status, res.header.Get("Content-Range"), len(res.body))
	}
	// A cached file is not sent again.
	etag := `"` + man.Files["model.safetensors"].SHA256 + `"`
	res = m.student.get("GET", file, nil)
	if res.header.Get("ETag") != etag || res.header.Get("Accept-Ranges") != "bytes" || res.header.Get("Cache-Control") != "private, no-cache" {
		t.Errorf("headers %v, want ETag %s", res.header, etag)
	}
	if res = m.student.get("GET", file, map[string]string{"If-None-Match": etag}); res.status != 304 || len(res.body) != 0 {
		t.Errorf("If-None-Match: %d with %d bytes, want 304", res.status, len(res.body))
	}
	if res = m.student.get("HEAD", file, nil); res.status != 200 || res.header.Get("Content-Length") != "50000" {
		t.Errorf("HEAD: %d, Content-Length %q", res.status, res.header.Get("Content-Length"))
	}
	// The teacher may download too, with ?class= naming the class.
	m.teacher.mustDo("GET", "/api/v1/models/current"+classQ, nil, &cur, 200)
	if res = m.teacher.get("GET", file, nil); res.status != 200 {
		t.Errorf("the class's teacher got %d for a file", res.status)
	}

	// Bad requests.
	m.student.expectError("GET", "/api/v1/models/2/files/notes.txt", nil, 404, server.ENOTFOUND)
	m.student.expectError("GET", "/api/v1/models/x/files/config.json", nil, 400, server.EINVALID)
	m.student.expectError("GET", "/api/v1/models/99/files/config.json", nil, 404, server.ENOTFOUND)
	m.student.expectError("GET", "/api/v1/models/current?class=x", nil, 400, server.EINVALID)
	m.newClient().expectError("GET", "/api/v1/models/current", nil, 401, server.EUNAUTHORIZED)
	m.newClient().expectError("GET", file, nil, 401, server.EUNAUTHORIZED)
}

func TestModelsOfOtherClassesRefused(t *testing.T) {
	m := newModelEnv(t)
	m.publish(m.class.ID, 1)
	file := "/api/v1/models/1/files/model.safetensors"
	classQ := "?class=" + itoa(m.class.ID)
	for who, c := range map[string]*client{"another class's student": m.otherStudent, "another class's teacher": m.otherTeacher} {
		if r := c.do("GET", file, nil); r.status != 404 {
			t.Errorf("%s got %d for a file of class %d", who, r.status, m.class.ID)
		}
		if r := c.do("GET", "/api/v1/models/1/files/manifest.json", nil); r.status != 404 {
			t.Errorf("%s got %d for the manifest of class %d", who, r.status, m.class.ID)
		}
		c.expectError("GET", "/api/v1/models/current"+classQ, nil, 404, server.ENOTFOUND)
		c.expectError("GET", "/api/v1/models/current", nil, 404, server.ENOTFOUND) // their own class has none
	}
	m.otherTeacher.expectError("POST", "/api/v1/classes/"+itoa(m.class.ID)+"/models/1/current", nil, 404, server.ENOTFOUND)
	m.otherTeacher.expectError("GET", "/api/v1/classes/"+itoa(m.class.ID)+"/models", nil, 404, server.ENOTFOUND)
	m.student.expectError("POST", "/api/v1/classes/"+itoa(m.class.ID)+"/models/1/current", nil, 403, server.EFORBIDDEN)
	m.student.expectError("GET", "/api/v1/classes/"+itoa(m.class.ID)+"/models", nil, 403, server.EFORBIDDEN)
	// The admin may see every class's models.
	if r := m.admin.do("GET", file, nil); r.status != 200 {
		t.Errorf("admin got %d", r.status)
	}
}

func TestModelRollbackAndTamperedFile(t *testing.T) {
	m := newModelEnv(t)
	pinned := m.pinnedKey("stud")
	m.publish(m.class.ID, 1)
	m.publish(m.otherClass.ID, 9) // version 2, another class's
	m.publish(m.class.ID, 3)      // version 3
	models := "/api/v1/classes/" + itoa(m.class.ID) + "/models"

	var list []wire.ModelRelease
	m.teacher.mustDo("GET", models, nil, &list, 200)
	if len(list) != 2 || list[0].Version != 3 || !list[0].Current || list[1].Version != 1 || list[1].Current || list[0].Parent != 1 {
		t.Fatalf("class models %+v, want 3 (current, parent 1) then 1", list)
	}

	var cur wire.ModelRelease
	m.teacher.mustDo("POST", models+"/1/current", nil, &cur, 200)
	if cur.Version != 1 || !cur.Current {
		t.Fatalf("rollback answered %+v", cur)
	}
	m.student.mustDo("GET", "/api/v1/models/current", nil, &cur, 200)
	if cur.Version != 1 {
		t.Fatalf("after rollback the student gets version %d, want 1", cur.Version)
	}
	m.teacher.expectError("POST", models+"/2/current", nil, 404, server.ENOTFOUND) // the other class's
	m.teacher.expectError("POST", models+"/x/current", nil, 400, server.EINVALID)

	// A byte changed on the server's disk: the server still serves the file,
	// and the client refuses it.
	b, err := m.store.ModelByVersion(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(b.Dir, "model.safetensors")
	data, _ := os.ReadFile(path)
	data[12345] ^= 0x80
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := download(t, m.student, cur, pinned)
	_, err = bundle.Verify(os.DirFS(dir), pinned)
	var refusal *bundle.Error
	if !errors.As(err, &refusal) || refusal.File != "model.safetensors" {
		t.Fatalf("Verify of a tampered bundle: %v, want a refusal of model.safetensors", err)
	}

	// Forward again to 3, which is intact.
	m.teacher.mustDo("POST", models+"/3/current", nil, &cur, 200)
	m.student.mustDo("GET", "/api/v1/models/current", nil, &cur, 200)
	if _, err := bundle.Verify(os.DirFS(download(t, m.student, cur, pinned)), pinned); err != nil || cur.Version != 3 {
		t.Fatalf("version %d after rolling forward: %v", cur.Version, err)
	}
}

// TestModelsCurrentPerTask: a class's checker and grader are current at
// once, each served by ?task=, and a rollback of one leaves the other.
func TestModelsCurrentPerTask(t *testing.T) {
	m := newModelEnv(t)
	pinned := m.pinnedKey("stud")
	m.publishTask(m.class.ID, "gec", 1)   // 1
	m.publishTask(m.class.ID, "grade", 2) // 2
	m.publishTask(m.class.ID, "gec", 3)   // 3
	m.publishTask(m.class.ID, "grade", 4) // 4
	m.publishTask(m.otherClass.ID, "gec", 5)
	classQ := "&class=" + itoa(m.class.ID)
	models := "/api/v1/classes/" + itoa(m.class.ID) + "/models"

	// current fetches one task's current release and checks what it says.
	current := func(query, task string, version int64) wire.ModelRelease {
		t.Helper()
		var cur wire.ModelRelease
		m.student.mustDo("GET", "/api/v1/models/current"+query, nil, &cur, 200)
		if cur.Version != version || cur.Task != task || !cur.Current || cur.ClassID != m.class.ID {
			t.Fatalf("GET /models/current%s = version %d, task %q, current %v; want version %d of %s", query, cur.Version, cur.Task, cur.Current, version, task)
		}
		return cur
	}
	current("", "gec", 3)
	current("?task=gec", "gec", 3)
	current("?task=gec"+classQ, "gec", 3)
	grader := current("?task=grade", "grade", 4)
	current("?task=grade"+classQ, "grade", 4)
	// The grader downloads and verifies like the checker, and its signed
	// manifest says what it is.
	man, err := bundle.Verify(os.DirFS(download(t, m.student, grader, pinned)), pinned)
	if err != nil || man.Version != 4 || man.Task != "grade" || man.Parent != 2 {
		t.Fatalf("the grader's bundle: version %d, task %q, parent %d, %v; want 4, grade, 2", man.Version, man.Task, man.Parent, err)
	}

	listed := func(want string) {
		t.Helper()
		var list []wire.ModelRelease
		m.teacher.mustDo("GET", models, nil, &list, 200)
		var got []string
		for _, r := range list {
			s := fmt.Sprintf("%d:%s", r.Version, r.Task)
			if r.Current {
				s += "*"
			}
			got = append(got, s)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("class models %q, want %q", strings.Join(got, " "), want)
		}
	}
	listed("4:grade* 3:gec* 2:grade 1:gec")

	// Roll the grader back: the checker stays.
	var cur wire.ModelRelease
	m.teacher.mustDo("POST", models+"/2/current", nil, &cur, 200)
	if cur.Version != 2 || cur.Task != "grade" || !cur.Current {
		t.Fatalf("rolling the grader back answered %+v", cur)
	}
	current("?task=grade", "grade", 2)
	current("", "gec", 3)
	listed("4:grade 3:gec* 2:grade* 1:gec")
	// And the checker: the grader stays.
	m.teacher.mustDo("POST", models+"/1/current", nil, &cur, 200)
	current("?task=gec", "gec", 1)
	current("?task=grade", "grade", 2)
	listed("4:grade 3:gec 2:grade* 1:gec*")

	// An unknown task is refused with the field named, whether or not the
	// caller has classes; a task with no model yet is 404.
	for _, c := range []*client{m.student, m.admin} {
		r := c.expectError("GET", "/api/v1/models/current?task=spelling", nil, 400, server.EINVALID)
		if r.err.Field != "task" || !strings.Contains(r.err.Message, `"grade"`) {
			t.Errorf("an unknown task: field %q, %q", r.err.Field, r.err.Message)
		}
	}
	r := m.otherStudent.expectError("GET", "/api/v1/models/current?task=grade", nil, 404, server.ENOTFOUND)
	if !strings.Contains(r.err.Message, "POST /api/v1/grade") {
		t.Errorf("no grader yet: %q", r.err.Message)
	}
}

// TestModelKeyAbsent: a server started without a key says so, and its
// sessions carry no key to pin.
func TestModelKeyAbsent(t *testing.T) {
	e := newEnv(t)
	e.newClient().expectError("GET", "/api/v1/models/key", nil, 503, server.EUNAVAILABLE)
	var s wire.SessionResponse
	e.newClient().mustDo("POST", "/api/v1/auth/login", wire.LoginRequest{Username: "admin", Password: "admin-password"}, &s, 200)
	raw, _ := json.Marshal(s)
	if s.ModelKey != "" || strings.Contains(string(raw), "model_key") {
		t.Errorf("session without a server key: %s", raw)
	}
}

// TestCurrentModelClassDefault: a class without a model of a task gets
// the server's own at its learners' first GET /models/current
// (Options.ClassModel), once; where the server has none, 404 as before.
func TestCurrentModelClassDefault(t *testing.T) {
	key, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	var m *modelEnv
	var calls []string
	e := newEnv(t, func(o *api.Options) {
		o.ModelKey = key.Public().(ed25519.PublicKey)
		o.ClassModel = func(ctx context.Context, classID int64, task string) (bool, error) {
			calls = append(calls, task)
			if task != server.TaskGEC {
				return false, nil
			}
			m.publish(classID, 3)
			return true, nil
		}
	})
	m = &modelEnv{env: e, key: key}
	m.teacher, m.student, m.class = e.classWithStudent("teach", "stud")

	var cur wire.ModelRelease
	m.student.mustDo("GET", "/api/v1/models/current", nil, &cur, 200)
	if cur.Version != 1 || cur.ClassID != m.class.ID || cur.Task != server.TaskGEC {
		t.Fatalf("current %+v, want the server's gec model as version 1 of the class", cur)
	}
	m.student.mustDo("GET", "/api/v1/models/current", nil, &cur, 200)
	m.student.expectError("GET", "/api/v1/models/current?task=grade", nil, 404, server.ENOTFOUND)
	if want := []string{server.TaskGEC, server.TaskGrade}; !slices.Equal(calls, want) {
		t.Errorf("ClassModel called for %v, want %v (once per task with no model)", calls, want)
	}
}
