package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/tutor-dev/tutor/server"
)

func TestSessions(t *testing.T) {
	ctx := context.Background()
	db, clk := mustOpen(t)
	ana := mustCreateUser(t, db, "ana", server.RoleTeacher)
	cookie := server.Session{TokenHash: "c1", UserID: ana.ID, Kind: server.SessionCookie, ExpiresAt: start.Add(time.Hour)}
	bearer := server.Session{TokenHash: "b1", UserID: ana.ID, Kind: server.SessionBearer, Label: "grading script",
		CreatedAt: start.Add(-time.Minute), ExpiresAt: start.Add(24 * time.Hour)}
	for _, s := range []server.Session{cookie, bearer} {
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	cookie.CreatedAt = start // set by the store
	for _, want := range []server.Session{cookie, bearer} {
		got, err := db.SessionByHash(ctx, want.TokenHash)
		if err != nil {
			t.Fatal(err)
		}
		if got.TokenHash != want.TokenHash || got.UserID != want.UserID || got.Kind != want.Kind ||
			got.Label != want.Label || !got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
			t.Errorf("SessionByHash(%s) = %+v, want %+v", want.TokenHash, got, want)
		}
	}

	wantCode(t, db.CreateSession(ctx, cookie), server.ECONFLICT)
	wantCode(t, db.CreateSession(ctx, server.Session{TokenHash: "x", UserID: 99, Kind: server.SessionCookie, ExpiresAt: start.Add(time.Hour)}), server.ENOTFOUND)
	wantCode(t, db.CreateSession(ctx, server.Session{TokenHash: "x", UserID: ana.ID, Kind: "magic", ExpiresAt: start.Add(time.Hour)}), server.EINVALID)
	_, err := db.SessionByHash(ctx, "unknown")
	wantCode(t, err, server.ENOTFOUND)

	// The cookie expires after an hour; the bearer token lives on.
	clk.Advance(time.Hour)
	_, err = db.SessionByHash(ctx, "c1")
	wantCode(t, err, server.ENOTFOUND)
	if _, err := db.SessionByHash(ctx, "b1"); err != nil {
		t.Errorf("bearer token expired early: %v", err)
	}

	// Creating a session sweeps out the expired ones.
	if err := db.CreateSession(ctx, server.Session{TokenHash: "c2", UserID: ana.ID, Kind: server.SessionCookie, ExpiresAt: clk.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var n int
	db.read.QueryRow("SELECT count(*) FROM sessions WHERE token_hash = 'c1'").Scan(&n)
	if n != 0 {
		t.Error("expired session c1 still stored after CreateSession")
	}

	if err := db.DeleteSession(ctx, "c2"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSession(ctx, "c2"); err != nil {
		t.Errorf("deleting a deleted session: %v; want no error", err)
	}
	_, err = db.SessionByHash(ctx, "c2")
	wantCode(t, err, server.ENOTFOUND)

	if err := db.DeleteUserSessions(ctx, ana.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.SessionByHash(ctx, "b1")
	wantCode(t, err, server.ENOTFOUND)
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	_, err := db.Setting(ctx, "setup_token_hash")
	wantCode(t, err, server.ENOTFOUND)
	for _, v := range []string{"first", "second"} {
		if err := db.SetSetting(ctx, "setup_token_hash", v); err != nil {
			t.Fatal(err)
		}
		got, err := db.Setting(ctx, "setup_token_hash")
		if err != nil || got != v {
			t.Errorf("Setting = %q, %v; want %q", got, err, v)
		}
	}
	if err := db.DeleteSetting(ctx, "setup_token_hash"); err != nil {
		t.Fatal(err)
	}
	_, err = db.Setting(ctx, "setup_token_hash")
	wantCode(t, err, server.ENOTFOUND)
	if err := db.DeleteSetting(ctx, "setup_token_hash"); err != nil {
		t.Errorf("deleting an absent setting: %v; want no error", err)
	}
}
