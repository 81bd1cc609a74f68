package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tutor-dev/tutor/server"
)

// clock is a settable time source for DB.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var start = time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.UTC)

// mustOpen opens a new database file in a temporary folder with a fixed
// clock, and closes it when the test ends.
func mustOpen(t testing.TB) (*DB, *clock) {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "tutor.db"))
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: start}
	db.Now = clk.Now
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return db, clk
}

// mustCreateUser stores a user with the given name and role.
func mustCreateUser(t testing.TB, db *DB, name string, role server.Role) server.User {
	t.Helper()
	u := server.User{Username: name, DisplayName: name + " display", Role: role}
	if err := db.CreateUser(context.Background(), &u, "hash-of-"+name); err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// wantCode fails the test unless err is a *server.Error with that code.
func wantCode(t testing.TB, err error, code string) *server.Error {
	t.Helper()
	var e *server.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("got error %v, want code %s", err, code)
	}
	return e
}
