package registry_test

import (
	"context"
	"crypto/ed25519"
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
	cur, err := db.CurrentModel(ctx, class.ID)
	if err != nil || cur.Version != 2 {
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
