package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/tutor-dev/tutor/server"
)

func bundleRow(version, class, parent int64) server.ModelBundle {
	return server.ModelBundle{Version: version, ClassID: class, Parent: parent,
		Manifest:  []byte(fmt.Sprintf(`{"version": %d}`, version)),
		Signature: bytes.Repeat([]byte{byte(version)}, 64), Dir: fmt.Sprintf("/srv/data/models/%d", version)}
}

// gradeRow is bundleRow for an answer grader.
func gradeRow(version, class, parent int64) server.ModelBundle {
	b := bundleRow(version, class, parent)
	b.Task = server.TaskGrade
	b.Manifest = []byte(fmt.Sprintf(`{"version": %d, "task": "grade"}`, version))
	return b
}

func mustAddModel(t *testing.T, db *DB, b server.ModelBundle) server.ModelBundle {
	t.Helper()
	if err := db.AddModel(context.Background(), &b); err != nil {
		t.Fatalf("AddModel(%d): %v", b.Version, err)
	}
	return b
}

func TestModelsPublishAndRollBack(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	ana := mustCreateUser(t, db, "ana", server.RoleTeacher)
	a := mustCreateClass(t, db, "A", "AAAA11", ana.ID)
	b := mustCreateClass(t, db, "B", "BBBB22", ana.ID)

	if v, err := db.LastModelVersion(ctx); v != 0 || err != nil {
		t.Fatalf("LastModelVersion of a new database = %d, %v", v, err)
	}
	_, err := db.CurrentModel(ctx, a.ID, "")
	wantCode(t, err, server.ENOTFOUND)

	v1 := mustAddModel(t, db, bundleRow(1, a.ID, 0))
	if !v1.Current || !v1.CreatedAt.Equal(start) || v1.Task != server.TaskGEC {
		t.Errorf("AddModel did not set Current, CreatedAt and Task gec: %+v", v1)
	}
	mustAddModel(t, db, bundleRow(2, b.ID, 0))
	mustAddModel(t, db, bundleRow(3, a.ID, 1))

	cur, err := db.CurrentModel(ctx, a.ID, server.TaskGEC)
	if err != nil || cur.Version != 3 || cur.Task != server.TaskGEC || cur.Parent != 1 || !bytes.Equal(cur.Manifest, []byte(`{"version": 3}`)) ||
		!bytes.Equal(cur.Signature, bytes.Repeat([]byte{3}, 64)) || cur.Dir != "/srv/data/models/3" {
		t.Fatalf("CurrentModel(A) = %+v, %v; want version 3 as stored", cur, err)
	}
	if cur, _ := db.CurrentModel(ctx, b.ID, ""); cur.Version != 2 {
		t.Errorf("CurrentModel(B) = %d, want 2: one class's publish must not touch another's", cur.Version)
	}
	if v, _ := db.LastModelVersion(ctx); v != 3 {
		t.Errorf("LastModelVersion = %d, want 3", v)
	}

	// Roll back to 1, then forward to 3 again.
	if err := db.SetCurrentModel(ctx, a.ID, 1); err != nil {
		t.Fatal(err)
	}
	wantVersions(t, db, a.ID, "3 1*")
	if err := db.SetCurrentModel(ctx, a.ID, 3); err != nil {
		t.Fatal(err)
	}
	wantVersions(t, db, a.ID, "3* 1")
	wantCode(t, db.SetCurrentModel(ctx, a.ID, 2), server.ENOTFOUND) // class B's model
	wantCode(t, db.SetCurrentModel(ctx, a.ID, 99), server.ENOTFOUND)
	wantCode(t, db.SetCurrentModel(ctx, 999, 1), server.ENOTFOUND)
	wantVersions(t, db, a.ID, "3* 1")

	got, err := db.ModelByVersion(ctx, 2)
	if err != nil || got.ClassID != b.ID || !got.Current {
		t.Errorf("ModelByVersion(2) = %+v, %v", got, err)
	}
	_, err = db.ModelByVersion(ctx, 42)
	wantCode(t, err, server.ENOTFOUND)
	_, err = db.ClassModels(ctx, 999)
	wantCode(t, err, server.ENOTFOUND)
}

func TestAddModelRefusals(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	ana := mustCreateUser(t, db, "ana", server.RoleTeacher)
	a := mustCreateClass(t, db, "A", "AAAA11", ana.ID)
	b := mustCreateClass(t, db, "B", "BBBB22", ana.ID)
	mustAddModel(t, db, bundleRow(1, a.ID, 0))
	mustAddModel(t, db, bundleRow(2, b.ID, 0))

	dup := bundleRow(1, a.ID, 0)
	wantCode(t, db.AddModel(ctx, &dup), server.ECONFLICT)
	missing := bundleRow(3, 999, 0)
	wantCode(t, db.AddModel(ctx, &missing), server.ENOTFOUND)
	for field, b := range map[string]server.ModelBundle{
		"parent":    bundleRow(3, a.ID, 2), // class B's version
		"version":   bundleRow(0, a.ID, 0),
		"signature": func() server.ModelBundle { r := bundleRow(3, a.ID, 1); r.Signature = r.Signature[:10]; return r }(),
		"dir":       func() server.ModelBundle { r := bundleRow(3, a.ID, 1); r.Dir = ""; return r }(),
		"task":      func() server.ModelBundle { r := bundleRow(3, a.ID, 1); r.Task = "spelling"; return r }(),
	} {
		e := wantCode(t, db.AddModel(ctx, &b), server.EINVALID)
		if e.Field != field {
			t.Errorf("refusal names field %q, want %q (%s)", e.Field, field, e.Message)
		}
	}
	// Nothing refused was stored, and the current model did not move.
	wantVersions(t, db, a.ID, "1*")
	if v, _ := db.LastModelVersion(ctx); v != 2 {
		t.Errorf("LastModelVersion = %d after refusals, want 2", v)
	}
}

func TestModelsCurrentPerTask(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	ana := mustCreateUser(t, db, "ana", server.RoleTeacher)
	a := mustCreateClass(t, db, "A", "AAAA11", ana.ID)

	mustAddModel(t, db, bundleRow(1, a.ID, 0))
	if g := mustAddModel(t, db, gradeRow(2, a.ID, 0)); !g.Current || g.Task != server.TaskGrade {
		t.Errorf("AddModel of a grader: %+v", g)
	}
	mustAddModel(t, db, bundleRow(3, a.ID, 1))
	mustAddModel(t, db, gradeRow(4, a.ID, 2))
	// Both tasks are current at once, each found by its task.
	wantVersions(t, db, a.ID, "4:grade* 3* 2:grade 1")
	for task, want := range map[string]int64{"": 3, server.TaskGEC: 3, server.TaskGrade: 4} {
		cur, err := db.CurrentModel(ctx, a.ID, task)
		if err != nil || cur.Version != want {
			t.Errorf("CurrentModel(%q) = %d, %v; want %d", task, cur.Version, err, want)
		}
	}
	_, err := db.CurrentModel(ctx, a.ID, "spelling")
	if e := wantCode(t, err, server.EINVALID); e.Field != "task" {
		t.Errorf("an unknown task names field %q", e.Field)
	}

	// A rollback moves only its own task's current model.
	if err := db.SetCurrentModel(ctx, a.ID, 2); err != nil {
		t.Fatal(err)
	}
	wantVersions(t, db, a.ID, "4:grade 3* 2:grade* 1")
	if err := db.SetCurrentModel(ctx, a.ID, 1); err != nil {
		t.Fatal(err)
	}
	wantVersions(t, db, a.ID, "4:grade 3 2:grade* 1*")
	// A publish too.
	mustAddModel(t, db, bundleRow(5, a.ID, 1))
	wantVersions(t, db, a.ID, "5* 4:grade 3 2:grade* 1")

	// A task's history runs through its own task only.
	cross := gradeRow(6, a.ID, 5)
	if e := wantCode(t, db.AddModel(ctx, &cross), server.EINVALID); e.Field != "parent" {
		t.Errorf("a grader whose parent is a checker: refusal names %q (%s)", e.Field, e.Message)
	}
	wantVersions(t, db, a.ID, "5* 4:grade 3 2:grade* 1")
}

// wantVersions compares a class's versions, newest first, with the
// current ones starred and graders marked ":grade".
func wantVersions(t *testing.T, db *DB, classID int64, want string) {
	t.Helper()
	list, err := db.ClassModels(context.Background(), classID)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	for i, m := range list {
		if i > 0 {
			got.WriteByte(' ')
		}
		fmt.Fprint(&got, m.Version)
		if m.Task != server.TaskGEC {
			fmt.Fprint(&got, ":", m.Task)
		}
		if m.Current {
			got.WriteByte('*')
		}
	}
	if got.String() != want {
		t.Errorf("class %d versions %q, want %q", classID, got.String(), want)
	}
}

// TestMigrationGivesModelsTheirTask opens a database that 0002 wrote, with
// checkers, graders and manifests that name no task, as Open upgrades it:
// each bundle gets its manifest's task and keeps its current flag, and each
// task may then have its own current model.
func TestMigrationGivesModelsTheirTask(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tutor.db")
	raw, err := sql.Open("sqlite3", writerDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	old := fstest.MapFS{}
	for _, m := range ms[:2] {
		old["migrations/"+m.name] = &fstest.MapFile{Data: []byte(m.sql)}
	}
	if err := migrate(ctx, raw, old); err != nil {
		t.Fatal(err)
	}
	if v, _ := schemaVersion(ctx, raw); v != 2 {
		t.Fatalf("schema version %d, want 2", v)
	}
	created := formatTime(start)
	for _, q := range []string{
		"INSERT INTO users (id, username, role, password_hash, created_at) VALUES (1, 'ana', 'teacher', 'h', '" + created + "')",
		"INSERT INTO classes (id, name, teacher_id, course_id, join_code, created_at) VALUES (1, 'A', 1, 'en', 'AAAA11', '" + created + "'), (2, 'B', 1, 'en', 'BBBB22', '" + created + "')",
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	// 0002 allowed one current model per class, whatever its task.
	for _, r := range []struct {
		version, class, parent int64
		manifest               string
		current                int
	}{
		{1, 1, 0, `{"version": 1, "task": "gec", "kind": "student"}`, 0},
		{2, 1, 1, `{"version": 2, "task": "grade"}`, 1},
		{3, 1, 2, `{"version": 3}`, 0},
		{4, 2, 0, `{"version": 4, "task": "grade"}`, 0},
		{5, 2, 4, `{"version": 5, "parent": 4, "task": "gec"}`, 1},
		{6, 2, 5, `{"version": 6, "task": ""}`, 0},
		{7, 2, 6, `not a manifest`, 0},
	} {
		_, err := raw.ExecContext(ctx, "INSERT INTO models (version, class_id, parent, manifest, signature, dir, created_at, current) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			r.version, r.class, r.parent, []byte(r.manifest), bytes.Repeat([]byte{1}, 64), fmt.Sprintf("/srv/data/models/%d", r.version), created, r.current)
		if err != nil {
			t.Fatalf("0002 row %d: %v", r.version, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open of a 0002 database: %v", err)
	}
	defer db.Close()
	if v, _ := schemaVersion(ctx, db.write); v != len(ms) {
		t.Fatalf("schema version %d after Open, want %d", v, len(ms))
	}
	wantVersions(t, db, 1, "3 2:grade* 1")
	wantVersions(t, db, 2, "7 6 5* 4:grade")
	if cur, err := db.CurrentModel(ctx, 1, server.TaskGrade); err != nil || cur.Version != 2 {
		t.Errorf("class A's current grader %d, %v; want 2", cur.Version, err)
	}
	_, err = db.CurrentModel(ctx, 1, server.TaskGEC)
	wantCode(t, err, server.ENOTFOUND)
	if cur, err := db.CurrentModel(ctx, 2, ""); err != nil || cur.Version != 5 {
		t.Errorf("class B's current checker %d, %v; want 5", cur.Version, err)
	}

	// Now a class may have a current checker beside its current grader,
	// and still not two current checkers.
	if err := db.SetCurrentModel(ctx, 1, 3); err != nil {
		t.Fatal(err)
	}
	wantVersions(t, db, 1, "3* 2:grade* 1")
	if _, err := db.write.ExecContext(ctx, "UPDATE models SET current = 1 WHERE version = 1"); !isUnique(err) {
		t.Errorf("a second current checker of class A: %v; want the unique index to refuse it", err)
	}
	var table, oldIndex, newIndex int
	err = db.read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM sqlite_schema WHERE name = 'models' AND sql LIKE '%STRICT'),
		(SELECT count(*) FROM sqlite_schema WHERE name = 'models_one_current_per_class'),
		(SELECT count(*) FROM sqlite_schema WHERE name = 'models_one_current_per_task')`).Scan(&table, &oldIndex, &newIndex)
	if err != nil || table != 1 || oldIndex != 0 || newIndex != 1 {
		t.Errorf("schema: models STRICT %d, per-class index %d, per-task index %d, %v; want 1, 0, 1", table, oldIndex, newIndex, err)
	}
}
