package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tutor-dev/tutor/server"
)

func TestOpenSetsPragmas(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": "5000",
		"synchronous":  "2", // FULL
	} {
		var got string
		if err := db.write.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("writer PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
	var queryOnly int
	if err := db.read.QueryRowContext(ctx, "PRAGMA query_only").Scan(&queryOnly); err != nil {
		t.Fatal(err)
	}
	if queryOnly != 1 {
		t.Errorf("reader PRAGMA query_only = %d, want 1", queryOnly)
	}
	if _, err := db.read.ExecContext(ctx, "INSERT INTO settings VALUES ('k', 'v')"); err == nil {
		t.Error("a write on the read pool succeeded; want an error")
	}
}

func TestOpenCreatesParentFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "tutor.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Path() != path {
		t.Errorf("Path() = %s, want %s", db.Path(), path)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file not created: %v", err)
	}
}

func TestOpenPathWithURICharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd ?name#with%41.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at the path given: %v", err)
	}
}

func TestOpenRefusesBadPaths(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("these are lesson notes, not a database\n", 40)), 0o600); err != nil {
		t.Fatal(err)
	}
	aFile := filepath.Join(dir, "file")
	if err := os.WriteFile(aFile, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"empty", "", "no database path"},
		{"not a database", notDB, "is not a SQLite database"},
		{"a folder", dir, "cannot open the database file"},
		{"under a file", filepath.Join(aFile, "tutor.db"), "cannot create the folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(tc.path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded; want an error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
	got, _ := os.ReadFile(notDB)
	if !strings.HasPrefix(string(got), "these are lesson notes") {
		t.Error("Open changed a file that is not a database")
	}
}

func TestMigrationsApplyOnceAndReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tutor.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := schemaVersion(ctx, db.write); v != len(ms) {
		t.Fatalf("schema version %d, want %d", v, len(ms))
	}
	mustCreateUser(t, db, "ana", server.RoleTeacher)
	db.Close()

	// Reopening must not run 0001 again (it would fail on CREATE TABLE) and
	// must keep the data.
	for range 2 {
		db, err = Open(path)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		if v, _ := schemaVersion(ctx, db.write); v != len(ms) {
			t.Errorf("schema version after reopen %d, want %d", v, len(ms))
		}
		if n, _ := db.CountUsers(ctx); n != 1 {
			t.Errorf("%d users after reopen, want 1", n)
		}
		db.Close()
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tutor.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(path)
	if err == nil || !strings.Contains(err.Error(), "written by a newer tutor") || !strings.Contains(err.Error(), "upgrade the binary") {
		t.Fatalf("Open of a newer database: %v; want the newer-tutor error", err)
	}
}

func TestFailedMigrationLeavesPreviousVersion(t *testing.T) {
	ctx := context.Background()
	raw, err := sql.Open("sqlite3", writerDSN(filepath.Join(t.TempDir(), "raw.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	fsys := fstest.MapFS{
		"migrations/0001_a.sql": {Data: []byte("CREATE TABLE a (x INTEGER);")},
		"migrations/0002_b.sql": {Data: []byte("CREATE TABLE b (x INTEGER); INSERT INTO no_such_table VALUES (1);")},
	}
	err = migrate(ctx, raw, fsys)
	if err == nil || !strings.Contains(err.Error(), "0002_b.sql") {
		t.Fatalf("migrate: %v; want an error naming 0002_b.sql", err)
	}
	if v, _ := schemaVersion(ctx, raw); v != 1 {
		t.Errorf("schema version %d after a failed migration 2, want 1", v)
	}
	var n int
	if err := raw.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'b'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("table b from the failed migration exists; the migration was half-applied")
	}
}

func TestLoadMigrationsRefusesGaps(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"gap":      {"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		"repeat":   {"migrations/0001_a.sql": {}, "migrations/0001_b.sql": {}},
		"bad name": {"migrations/first.sql": {}},
	} {
		if _, err := loadMigrations(fsys); err == nil {
			t.Errorf("%s: loadMigrations succeeded; want an error", name)
		}
	}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	mustCreateUser(t, db, "ana", server.RoleAdmin)
	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.Backup(ctx, dst), server.ECONFLICT)
	copy, err := Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer copy.Close()
	if _, _, err := copy.UserCredentials(ctx, "ana"); err != nil {
		t.Errorf("backup lacks user ana: %v", err)
	}
}
