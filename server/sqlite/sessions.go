package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tutor-dev/tutor/server"
)

// CreateSession stores a login. A zero CreatedAt is set to now. Sessions
// that have expired are removed in the same transaction, which keeps the
// table to the live logins without a separate clean-up job.
func (db *DB) CreateSession(ctx context.Context, s server.Session) error {
	if s.Kind != server.SessionCookie && s.Kind != server.SessionBearer {
		return server.FieldError("kind", "Session kind %q is unknown; use cookie or bearer.", s.Kind)
	}
	if s.TokenHash == "" {
		return server.FieldError("token_hash", "A session needs the hash of its token.")
	}
	now := db.now()
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now
	}
	if !storableTime(s.CreatedAt) || !storableTime(s.ExpiresAt) {
		return server.FieldError("expires_at", "Session times must fall in the years 0 to 9999.")
	}
	return db.inTx(ctx, "create session", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= ?", formatTime(now)); err != nil {
			return fmt.Errorf("sqlite: remove expired sessions: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions
			(token_hash, user_id, kind, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
			s.TokenHash, s.UserID, s.Kind, s.Label, formatTime(s.CreatedAt), formatTime(s.ExpiresAt))
		switch {
		case isUnique(err):
			return server.Errorf(server.ECONFLICT, "A session with this token already exists; make a new token.")
		case isForeignKey(err):
			return userNotFound(s.UserID)
		case err != nil:
			return fmt.Errorf("sqlite: create session for user %d: %w", s.UserID, err)
		}
		return nil
	})
}

// SessionByHash returns the live session with that token hash; an unknown
// or expired one is ENOTFOUND.
func (db *DB) SessionByHash(ctx context.Context, tokenHash string) (server.Session, error) {
	var s server.Session
	var created, expires string
	err := db.read.QueryRowContext(ctx, `SELECT token_hash, user_id, kind, label, created_at, expires_at
		FROM sessions WHERE token_hash = ? AND expires_at > ?`, tokenHash, formatTime(db.now())).
		Scan(&s.TokenHash, &s.UserID, &s.Kind, &s.Label, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return server.Session{}, server.Errorf(server.ENOTFOUND, "This session has ended or never existed; log in again.")
	}
	if err != nil {
		return server.Session{}, fmt.Errorf("sqlite: look up session: %w", err)
	}
	if s.CreatedAt, err = parseTime(created); err != nil {
		return server.Session{}, err
	}
	if s.ExpiresAt, err = parseTime(expires); err != nil {
		return server.Session{}, err
	}
	return s, nil
}

// DeleteSession ends a login. Ending one that is already gone is not an
// error: logging out twice leaves the same state as once.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	return db.exec(ctx, "delete session", "DELETE FROM sessions WHERE token_hash = ?", tokenHash)
}

// DeleteUserSessions ends every login of a user (after a password change or
// when an account is disabled).
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	return db.exec(ctx, "delete sessions of user", "DELETE FROM sessions WHERE user_id = ?", userID)
}

// Setting returns the value stored under key, or ENOTFOUND.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", server.Errorf(server.ENOTFOUND, "No setting %q.", key)
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: setting %q: %w", key, err)
	}
	return v, nil
}

// SetSetting stores value under key, replacing any value there.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return db.exec(ctx, "set setting "+key, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
}

// DeleteSetting removes key; removing an absent key is not an error.
func (db *DB) DeleteSetting(ctx context.Context, key string) error {
	return db.exec(ctx, "delete setting "+key, "DELETE FROM settings WHERE key = ?", key)
}

// exec runs one writing statement on the writer; a single statement is its
// own transaction.
func (db *DB) exec(ctx context.Context, what, query string, args ...any) error {
	_, err := db.execResult(ctx, what, query, args...)
	return err
}

func (db *DB) execResult(ctx context.Context, what, query string, args ...any) (sql.Result, error) {
	res, err := db.write.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return res, nil
}
