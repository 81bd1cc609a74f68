package registry_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tutor-dev/tutor/model/bundle"
	"github.com/tutor-dev/tutor/server"
	"github.com/tutor-dev/tutor/server/registry"
	"github.com/tutor-dev/tutor/server/sqlite"
)

// setup opens a real database in a temporary data folder with one teacher
// and one class, and makes the server's key there.
func setup(t *testing.T) (*sqlite.DB, ed25519.PrivateKey, server.Class) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "data", "tutor.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	teacher := server.User{Username: "ana", Role: server.RoleTeacher}
	if err := db.CreateUser(ctx, &teacher, "hash"); err != nil {
		t.Fatal(err)
	}
	class := server.Class{Name: "A", TeacherID: teacher.ID, CourseID: "en", JoinCode: "AAAA1111"}
	if err := db.CreateClass(ctx, &class); err != nil {
		t.Fatal(err)
	}
	key, created, err := registry.EnsureKey(db.Path())
	if err != nil || !created {
		t.Fatalf("EnsureKey: created=%v, %v", created, err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(db.Path()), "tutor-signing.key")); err != nil {
		t.Fatalf("the key is not next to the database: %v", err)
	}
	return db, key, class
}

// runFolder writes a training run: tokenizer.json beside best/.
func runFolder(t *testing.T) string {
	t.Helper()
	run := t.TempDir()
	best := filepath.Join(run, "best")
	os.Mkdir(best, 0o755)
	os.WriteFile(filepath.Join(run, "tokenizer.json"), []byte(`{"model": {}}`), 0o644)
	os.WriteFile(filepath.Join(best, "config.json"), []byte(`{}`), 0o644)
	os.WriteFile(filepath.Join(best, "model.safetensors"), []byte("weights"), 0o644)
	os.WriteFile(filepath.Join(best, "manifest.json"), []byte(`{"format": "tutor-checkpoint"}`), 0o644)
	return run
}

func TestPublishTwiceChainsVersions(t *testing.T) {
	ctx := context.Background()
	db, key, class := setup(t)
	folder, files, err := registry.ModelFiles(runFolder(t))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(folder) != "best" || files["tokenizer.json"] == "" || files["checkpoint.json"] == "" {
		t.Fatalf("ModelFiles = %s, %v: want best/ with the run's tokenizer and the checkpoint's manifest", folder, files)
	}
	r := registry.Release{ClassID: class.ID, Files: files, Task: "gec", Kind: "student",
		Metrics: map[string]float64{"f0.5": 0.4}, Data: map[string]string{"source": folder}, Created: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	first, _, err := registry.Publish(ctx, db, key, db.Path(), r)
	if err != nil {
		t.Fatal(err)
	}
	second, man, err := registry.Publish(ctx, db, key, db.Path(), r)
	if err != nil {
		t.Fatal(err)
	}
	if first.Version != 1 || first.Parent != 0 || second.Version != 2 || second.Parent != 1 || man.Version != 2 || man.Parent != 1 {
		t.Fatalf("versions %d (parent %d), %d (parent %d); want 1 (0), 2 (1)", first.Version, first.Parent, second.Version, second.Parent)
	}
	if want := filepath.Join(filepath.Dir(db.Path()), "models", "2"); second.Dir != want {
		t.Errorf("bundle folder %s, want %s", second.Dir, want)
	}
	cur, err := db.CurrentModel(ctx, class.ID, "gec")
	if err != nil || cur.Version != 2 || cur.Task != "gec" {
		t.Fatalf("current model %d, %v; want 2", cur.Version, err)
	}
	// What the store holds is what is on disk, and it verifies.
	onDisk, _ := os.ReadFile(filepath.Join(cur.Dir, bundle.ManifestFile))
	if string(onDisk) != string(cur.Manifest) {
		t.Error("the stored manifest differs from manifest.json on disk")
	}
	pub := key.Public().(ed25519.PublicKey)
	if _, err := bundle.OpenManifest(cur.Manifest, cur.Signature, pub); err != nil {
		t.Errorf("the stored manifest and signature do not verify: %v", err)
	}
	if got, err := bundle.Verify(os.DirFS(cur.Dir), pub); err != nil || got.Data["source"] != folder || got.Task != "gec" {
		t.Errorf("Verify: %+v, %v", got, err)
	}
}

// TestPublishPerTask: a checker and a grader of one class are each their
// task's current model, and each one's parent is the previous of its task.
func TestPublishPerTask(t *testing.T) {
	ctx := context.Background()
	db, key, class := setup(t)
	_, files, err := registry.ModelFiles(runFolder(t))
	if err != nil {
		t.Fatal(err)
	}
	publish := func(task string) server.ModelBundle {
		t.Helper()
		b, man, err := registry.Publish(ctx, db, key, db.Path(), registry.Release{ClassID: class.ID, Files: files, Task: task})
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := server.ModelTask(task); b.Task != want || man.Task != want {
			t.Errorf("published %q as store task %q, manifest task %q; want %q in both", task, b.Task, man.Task, want)
		}
		return b
	}
	checker := publish("")      // 1: "" is the checker
	grader := publish("grade")  // 2
	checker2 := publish("gec")  // 3, after 1
	grader2 := publish("grade") // 4, after 2
	if checker.Parent != 0 || grader.Parent != 0 || checker2.Parent != checker.Version || grader2.Parent != grader.Version {
		t.Errorf("parents %d %d %d %d; want 0 0 1 2", checker.Parent, grader.Parent, checker2.Parent, grader2.Parent)
	}
	for task, want := range map[string]int64{"gec": 3, "grade": 4} {
		if cur, err := db.CurrentModel(ctx, class.ID, task); err != nil || cur.Version != want {
			t.Errorf("current %s model %d, %v; want %d", task, cur.Version, err, want)
		}
	}

	_, _, err = registry.Publish(ctx, db, key, db.Path(), registry.Release{ClassID: class.ID, Files: files, Task: "spelling"})
	var e *server.Error
	if !errors.As(err, &e) || e.Code != server.EINVALID || e.Field != "task" || !strings.Contains(e.Message, `"gec"`) || !strings.Contains(e.Message, `"grade"`) {
		t.Errorf("publishing an unknown task: %v; want an invalid task naming gec and grade", err)
	}
	if v, _ := db.LastModelVersion(ctx); v != 4 {
		t.Errorf("last version %d after the refusal, want 4", v)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(db.Path()), "models", "5")); err == nil {
		t.Error("a refused publish left a bundle folder")
	}
}

func TestPublishFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	db, key, class := setup(t)
	models := filepath.Join(filepath.Dir(db.Path()), "models")
	_, files, err := registry.ModelFiles(runFolder(t))
	if err != nil {
		t.Fatal(err)
	}

	_, _, err = registry.Publish(ctx, db, key, db.Path(), registry.Release{ClassID: 999, Files: files})
	if server.ErrorCode(err) != server.ENOTFOUND {
		t.Errorf("publishing to a missing class: %v", err)
	}
	bad := map[string]string{"model.safetensors": t.TempDir()} // a folder, not a file
	if _, _, err = registry.Publish(ctx, db, key, db.Path(), registry.Release{ClassID: class.ID, Files: bad}); err == nil {
		t.Error("publishing a folder as a file succeeded")
	}
	entries, _ := os.ReadDir(models)
	if v, _ := db.LastModelVersion(ctx); v != 0 || len(entries) != 0 {
		t.Fatalf("after failed publishes: last version %d, %d entries in %s", v, len(entries), models)
	}

	// A folder left by an interrupted publish is named, never removed.
	leftover := filepath.Join(models, "1")
	os.MkdirAll(leftover, 0o755)
	_, _, err = registry.Publish(ctx, db, key, db.Path(), registry.Release{ClassID: class.ID, Files: files})
	if err == nil || !strings.Contains(err.Error(), "interrupted publish") {
		t.Errorf("publishing over a leftover folder: %v", err)
	}
	if _, err := os.Stat(leftover); err != nil {
		t.Error("the leftover folder was removed")
	}
}

func TestModelFilesRefusals(t *testing.T) {
	empty := t.TempDir()
	if _, _, err := registry.ModelFiles(empty); err == nil || !strings.Contains(err.Error(), "no config.json") {
		t.Errorf("a folder without a model: %v", err)
	}
	if _, _, err := registry.ModelFiles(filepath.Join(empty, "nope")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a missing folder: %v", err)
	}
	run := runFolder(t)
	os.Remove(filepath.Join(run, "tokenizer.json"))
	if _, _, err := registry.ModelFiles(run); err == nil || !strings.Contains(err.Error(), "copy the tokenizer") {
		t.Errorf("a model without a tokenizer: %v", err)
	}
}
