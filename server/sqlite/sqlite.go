// Package sqlite implements server.Store on one SQLite file, through
// database/sql and github.com/mattn/go-sqlite3: WAL journal, foreign keys,
// a busy timeout and embedded, numbered migrations.
//
// It is the only package that knows SQL. It must not import server/api,
// Echo or net/http: the HTTP layer depends on the server.Store interface,
// never on this package, and cmd/tutor wires the two together.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/tutor-dev/tutor/server"
)

var _ server.Store = (*DB)(nil)

// busyTimeout is how long a statement waits for another process's write
// lock (an admin command, a backup) before giving up with "database is
// locked".
const busyTimeout = 5 * time.Second

// DB is the store. It keeps two pools on the same file: SQLite lets one
// writer in at a time, so all writes queue on a single connection in Go
// rather than spin on SQLITE_BUSY, while WAL lets any number of readers run
// beside that writer.
type DB struct {
	write *sql.DB // exactly one connection; every transaction is BEGIN IMMEDIATE
	read  *sql.DB // query-only connections
	path  string

	// Now is the store's clock: creation times, session expiry and the time a
	// review was received. Tests replace it before using the store.
	Now func() time.Time
}

// Open opens (creating if needed) the database at path, brings its schema up
// to date and returns the store. The parent directory is created if missing.
func Open(path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: no database path given; pass the path of the database file, e.g. data/tutor.db")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: database path %q: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: cannot create the folder for the database %s: %w; choose a path in a writable folder", abs, err)
	}
	db := &DB{path: abs, Now: time.Now}
	if err := db.open(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) open(ctx context.Context) error {
	var err error
	db.write, err = sql.Open("sqlite3", writerDSN(db.path))
	if err != nil {
		return fmt.Errorf("sqlite: open %s: %w", db.path, err)
	}
	db.write.SetMaxOpenConns(1)
	if err := db.write.PingContext(ctx); err != nil {
		return explainOpenError(db.path, err)
	}
	if err := migrate(ctx, db.write, migrationFiles); err != nil {
		return explainOpenError(db.path, err)
	}
	db.read, err = sql.Open("sqlite3", readerDSN(db.path))
	if err != nil {
		return fmt.Errorf("sqlite: open %s for reading: %w", db.path, err)
	}
	db.read.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	if err := db.read.PingContext(ctx); err != nil {
		return explainOpenError(db.path, err)
	}
	return nil
}

// writerDSN names the writer connection's settings.
//
// synchronous=FULL, not NORMAL: the sync protocol acknowledges a review as
// soon as its transaction commits, and the client then deletes its own copy.
// Under NORMAL a power cut can roll back the last commits after that ack and
// the answers would be lost for good; FULL costs one fsync of the WAL per
// commit, which is one per upload batch, not per review.
//
// _txlock=immediate makes every transaction take the write lock at BEGIN, so
// a transaction never fails half-way when it first tries to write.
func writerDSN(path string) string {
	return fileURI(path) + "?" + url.Values{
		"_journal_mode": {"WAL"},
		"_foreign_keys": {"on"},
		"_busy_timeout": {fmt.Sprint(busyTimeout.Milliseconds())},
		"_synchronous":  {"FULL"},
		"_txlock":       {"immediate"},
	}.Encode()
}

// readerDSN names the reader connections' settings: query_only turns any
// write that slips into the read pool into an error instead of a second
// writer.
func readerDSN(path string) string {
	return fileURI(path) + "?" + url.Values{
		"_foreign_keys": {"on"},
		"_busy_timeout": {fmt.Sprint(busyTimeout.Milliseconds())},
		"_query_only":   {"on"},
	}.Encode()
}

// fileURI turns an absolute path into an SQLite "file:" URI. The characters
// that URIs give a meaning to are percent-encoded so that any file name
// works.
func fileURI(abs string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(filepath.ToSlash(abs))
}

// explainOpenError says what to do about the errors a person can fix.
func explainOpenError(path string, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrNotADB:
			return fmt.Errorf("sqlite: %s is not a SQLite database (or it is damaged): give the path of a tutor database, or move this file away to start a new one: %w", path, err)
		case sqlite3.ErrCantOpen:
			return fmt.Errorf("sqlite: cannot open the database file %s: check that the path names a file (not a folder) in a folder you may write to: %w", path, err)
		case sqlite3.ErrReadonly, sqlite3.ErrPerm:
			return fmt.Errorf("sqlite: the database %s is read-only: give this user write permission on the file and its folder: %w", path, err)
		}
	}
	return err
}

// Close closes both pools. The last connection to close checkpoints the WAL
// into the main file.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	return errors.Join(errs...)
}

// Path returns the absolute path of the database file.
func (db *DB) Path() string { return db.path }

// Backup writes a consistent copy of the whole database to dst, which must
// not exist yet, while the store stays in use: reads go on, writes wait for
// the copy (VACUUM INTO needs a connection that may write).
func (db *DB) Backup(ctx context.Context, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return server.Errorf(server.ECONFLICT, "The backup file %s already exists; choose a new name.", dst)
	}
	if _, err := db.write.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("sqlite: back up to %s: %w", dst, err)
	}
	return nil
}

// inTx runs fn in one write transaction and commits it, or rolls it back if
// fn or the commit fails: callers never leave half-written state.
func (db *DB) inTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: %s: begin: %w", what, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // the error from fn is the one worth reporting
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: %s: commit: %w", what, err)
	}
	return nil
}

// now is the store's clock in UTC.
func (db *DB) now() time.Time { return db.Now().UTC() }

// timeLayout is how every time is stored: UTC, fixed width, nanoseconds, so
// that comparing the text compares the times.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// formatTime writes t in timeLayout. Years outside 0..9999 do not fit the
// fixed width; callers check with storableTime first.
func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// storableTime reports whether t keeps its order when written by formatTime.
func storableTime(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 0 && y <= 9999
}

// parseTime reads a time written by formatTime.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlite: stored time %q is malformed: %w", s, err)
	}
	return t, nil
}

// hasExtendedCode reports whether err is an SQLite error with the extended
// result code want (a UNIQUE or FOREIGN KEY violation, say).
func hasExtendedCode(err error, want sqlite3.ErrNoExtended) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == want
}

// isUnique reports a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	return hasExtendedCode(err, sqlite3.ErrConstraintUnique) ||
		hasExtendedCode(err, sqlite3.ErrConstraintPrimaryKey)
}

// isForeignKey reports a FOREIGN KEY violation: a row names a user or class
// that does not exist.
func isForeignKey(err error) bool {
	return hasExtendedCode(err, sqlite3.ErrConstraintForeignKey)
}

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface {
	Scan(dest ...any) error
}

// queryAll runs a read query and collects every row with scan; what names
// the query in errors. The result is never nil, so it encodes as [].
func queryAll[T any](ctx context.Context, db *DB, what string, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer rows.Close()
	all := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", what, err)
		}
		all = append(all, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return all, nil
}

// mustAffectOne turns "no row matched" into notFound.
func mustAffectOne(res sql.Result, notFound error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound
	}
	return nil
}
