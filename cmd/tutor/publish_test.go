package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model/bundle"
	"github.com/tutor-dev/tutor/server"
	"github.com/tutor-dev/tutor/server/registry"
	"github.com/tutor-dev/tutor/server/sqlite"
)

// TestPublishCommand publishes a training run to a class of a real
// database, as an administrator would, and checks the bundle it recorded.
func TestPublishCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "data", "tutor.db")
	classID := publishFixture(t, db)
	run := filepath.Join(dir, "run")
	os.MkdirAll(filepath.Join(run, "best"), 0o755)
	os.WriteFile(filepath.Join(run, "tokenizer.json"), []byte(`{}`), 0o644)
	os.WriteFile(filepath.Join(run, "best", "config.json"), []byte(`{}`), 0o644)
	os.WriteFile(filepath.Join(run, "best", "model.safetensors"), []byte("weights"), 0o644)
	metrics := filepath.Join(dir, "metrics.json")
	os.WriteFile(metrics, []byte(`{"f0.5": 0.42}`), 0o644)
	badMetrics := filepath.Join(dir, "bad-metrics.json")
	os.WriteFile(badMetrics, []byte(`{"f0.5": "high"}`), 0o644)

	args := append([]string{"--db", db, "--class", fmt.Sprint(classID), "--model", run, "--task", "gec", "--kind", "student", "--metrics", metrics}, dataFlags...)
	if err := runPublish(args); err != nil {
		t.Fatal(err)
	}
	if err := runPublish(args); err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cur, err := store.CurrentModel(context.Background(), classID, "gec")
	if err != nil || cur.Version != 2 || cur.Parent != 1 {
		t.Fatalf("current model %+v, %v; want version 2 after version 1", cur, err)
	}
	key, err := bundle.LoadKey(registry.KeyPath(db))
	if err != nil {
		t.Fatalf("the signing key next to the database: %v", err)
	}
	man, err := bundle.Verify(os.DirFS(cur.Dir), key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if man.Task != "gec" || man.Kind != "student" || man.Metrics["f0.5"] != 0.42 || !strings.HasSuffix(man.Data["source"], filepath.Join("run", "best")) {
		t.Errorf("manifest %+v", man)
	}
	// A gec bundle carries what the browser's checker reads besides the model.
	for _, name := range []string{"explanations.json", "words.tsv", "verbs.tsv", "model.safetensors"} {
		if _, ok := man.Files[name]; !ok {
			t.Errorf("the gec bundle lacks %s: %v", name, man.Names())
		}
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--db", db, "--model", run}, "needs --class"},
		{[]string{"--db", db, "--class", "999", "--model", run}, "--class 999"},
		{[]string{"--db", db, "--class", fmt.Sprint(classID), "--model", dir}, "--model"},
		{[]string{"--db", db, "--class", fmt.Sprint(classID), "--model", run, "--metrics", badMetrics}, "--metrics"},
		{[]string{"--db", filepath.Join(dir, "none.db"), "--class", "1", "--model", run}, "tutor serve"},
		{[]string{"--db", db, "--class", fmt.Sprint(classID), "--model", run, "--task", "gec", "--lexicon", dir}, "--lexicon"},
	} {
		if err := runPublish(bad.args); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("publish %v: %v, want an error saying %q", bad.args, err, bad.want)
		}
	}
}

// publishFixture makes a database with a teacher and a class, and returns
// the class's id.
func publishFixture(t *testing.T, path string) int64 {
	t.Helper()
	store, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	u := server.User{Username: "ana", Role: server.RoleTeacher}
	if err := store.CreateUser(ctx, &u, "hash"); err != nil {
		t.Fatal(err)
	}
	c := server.Class{Name: "A", TeacherID: u.ID, CourseID: "en", JoinCode: "AAAA1111"}
	if err := store.CreateClass(ctx, &c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}
