package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tutor-dev/tutor/server"
)

const userColumns = "id, username, display_name, role, disabled, created_at"

// usernameTaken is the conflict a sign-up form shows next to the username.
var usernameTaken = &server.Error{Code: server.ECONFLICT, Field: "username",
	Message: "That username is taken; choose another."}

// normalUsername is the one spelling stored for a username: usernames are
// case-insensitive.
func normalUsername(name string) string { return strings.ToLower(name) }

func userNotFound(id int64) error {
	return server.Errorf(server.ENOTFOUND, "No user with ID %d.", id)
}

// CreateUser stores a new account and sets u.ID, u.CreatedAt and u.Username
// (lower-cased).
func (db *DB) CreateUser(ctx context.Context, u *server.User, passwordHash string) error {
	return db.inTx(ctx, "create user", func(tx *sql.Tx) error {
		return db.insertUser(ctx, tx, u, passwordHash)
	})
}

func (db *DB) insertUser(ctx context.Context, tx *sql.Tx, u *server.User, passwordHash string) error {
	if err := checkUser(*u); err != nil {
		return err
	}
	username := normalUsername(u.Username)
	created := db.now()
	res, err := tx.ExecContext(ctx, `INSERT INTO users
		(username, display_name, role, disabled, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		username, u.DisplayName, string(u.Role), u.Disabled, passwordHash, formatTime(created))
	if isUnique(err) {
		return usernameTaken
	}
	if err != nil {
		return fmt.Errorf("sqlite: create user %q: %w", username, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("sqlite: create user %q: %w", username, err)
	}
	u.ID, u.Username, u.CreatedAt = id, username, created
	return nil
}

// checkUser refuses what the schema would refuse, with a message a person
// can act on.
func checkUser(u server.User) error {
	if strings.TrimSpace(u.Username) == "" {
		return server.FieldError("username", "Choose a username.")
	}
	if !u.Role.Valid() {
		return server.FieldError("role", "Role %q is unknown; use student, teacher or admin.", u.Role)
	}
	return nil
}

// UserByID returns the user with that ID, or ENOTFOUND.
func (db *DB) UserByID(ctx context.Context, id int64) (server.User, error) {
	row := db.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id)
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return server.User{}, userNotFound(id)
	}
	if err != nil {
		return server.User{}, fmt.Errorf("sqlite: user %d: %w", id, err)
	}
	return u, nil
}

// UserCredentials returns the user with that username (in any case) and
// their password hash, or ENOTFOUND.
func (db *DB) UserCredentials(ctx context.Context, username string) (server.User, string, error) {
	row := db.read.QueryRowContext(ctx,
		"SELECT "+userColumns+", password_hash FROM users WHERE username = ?", normalUsername(username))
	var hash string
	u, err := scanUser(row, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return server.User{}, "", server.Errorf(server.ENOTFOUND, "No user named %q.", username)
	}
	if err != nil {
		return server.User{}, "", fmt.Errorf("sqlite: credentials of %q: %w", username, err)
	}
	return u, hash, nil
}

// ListUsers returns every user by username.
func (db *DB) ListUsers(ctx context.Context) ([]server.User, error) {
	return db.queryUsers(ctx, "list users", "SELECT "+userColumns+" FROM users ORDER BY username")
}

// UpdateUser changes a user's role, display name and disabled flag; the
// username and password stay as they are.
func (db *DB) UpdateUser(ctx context.Context, u server.User) error {
	if !u.Role.Valid() {
		return server.FieldError("role", "Role %q is unknown; use student, teacher or admin.", u.Role)
	}
	res, err := db.execResult(ctx, fmt.Sprintf("update user %d", u.ID),
		"UPDATE users SET role = ?, display_name = ?, disabled = ? WHERE id = ?",
		string(u.Role), u.DisplayName, u.Disabled, u.ID)
	if err != nil {
		return err
	}
	return mustAffectOne(res, userNotFound(u.ID))
}

// SetPassword replaces a user's password hash.
func (db *DB) SetPassword(ctx context.Context, userID int64, passwordHash string) error {
	res, err := db.execResult(ctx, fmt.Sprintf("set password of user %d", userID),
		"UPDATE users SET password_hash = ? WHERE id = ?", passwordHash, userID)
	if err != nil {
		return err
	}
	return mustAffectOne(res, userNotFound(userID))
}

// CountUsers returns how many accounts exist (0 before first-run setup).
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count users: %w", err)
	}
	return n, nil
}

// queryUsers runs a query selecting userColumns and collects the rows.
func (db *DB) queryUsers(ctx context.Context, what, query string, args ...any) ([]server.User, error) {
	return queryAll(ctx, db, what, func(r rowScanner) (server.User, error) { return scanUser(r) }, query, args...)
}

// scanUser reads userColumns, then any extra columns into extra.
func scanUser(row rowScanner, extra ...any) (server.User, error) {
	var u server.User
	var role, created string
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &role, &u.Disabled, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		return server.User{}, err
	}
	u.Role = server.Role(role)
	var err error
	u.CreatedAt, err = parseTime(created)
	return u, err
}
