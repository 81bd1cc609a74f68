// Package server holds the classroom server's domain: users, roles, classes,
// sessions, the append-only review log and the Store interface that persists
// them. It is the small, dependency-free centre that the technology packages
// (server/sqlite for storage, server/api for HTTP) implement and use.
//
// It must not import server/sqlite, server/api, net/http, Echo or database/sql:
// those depend on it, never the other way round.
package server

import (
	"context"
	"time"

	"github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/app/course"
)

// Role says what a user may do.
type Role string

const (
	RoleStudent Role = "student"
	RoleTeacher Role = "teacher"
	RoleAdmin   Role = "admin"
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool {
	return r == RoleStudent || r == RoleTeacher || r == RoleAdmin
}

// User is an account. The password hash never leaves the store layer except
// through UserCredentials.
type User struct {
	ID          int64
	Username    string
	DisplayName string
	Role        Role
	Disabled    bool
	CreatedAt   time.Time
}

// Class is a teacher's group of students working on one course.
type Class struct {
	ID        int64
	Name      string
	TeacherID int64
	CourseID  string
	JoinCode  string
	CreatedAt time.Time
}

// Session is a login: a browser cookie or a bearer token for scripts. Only
// the SHA-256 of the secret is stored.
type Session struct {
	TokenHash string
	UserID    int64
	Kind      string // "cookie" or "bearer"
	Label     string // what a bearer token is for; empty for cookies
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Session kinds.
const (
	SessionCookie = "cookie"
	SessionBearer = "bearer"
)

// Store persists everything the server knows. Implementations must be safe
// for concurrent use. Errors are *Error values with a Code where the caller
// can act on them (ENOTFOUND, ECONFLICT, EINVALID).
type Store interface {
	Close() error

	// Users.
	CreateUser(ctx context.Context, u *User, passwordHash string) error // sets u.ID, u.CreatedAt
	UserByID(ctx context.Context, id int64) (User, error)
	UserCredentials(ctx context.Context, username string) (User, string, error) // user, password hash
	ListUsers(ctx context.Context) ([]User, error)
	UpdateUser(ctx context.Context, u User) error // role, display name, disabled
	SetPassword(ctx context.Context, userID int64, passwordHash string) error
	CountUsers(ctx context.Context) (int, error)

	// Sessions and bearer tokens.
	CreateSession(ctx context.Context, s Session) error
	SessionByHash(ctx context.Context, tokenHash string) (Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	DeleteUserSessions(ctx context.Context, userID int64) error

	// Settings is a small key/value table (the setup token hash, the server's
	// signing key, ...).
	Setting(ctx context.Context, key string) (string, error) // ENOTFOUND when absent
	SetSetting(ctx context.Context, key, value string) error
	DeleteSetting(ctx context.Context, key string) error

	// Classes and membership.
	CreateClass(ctx context.Context, c *Class) error // sets ID, CreatedAt; ECONFLICT on a duplicate join code
	ClassByID(ctx context.Context, id int64) (Class, error)
	ClassByJoinCode(ctx context.Context, code string) (Class, error)
	ListClasses(ctx context.Context) ([]Class, error)
	ClassesByTeacher(ctx context.Context, teacherID int64) ([]Class, error)
	ClassesOfStudent(ctx context.Context, studentID int64) ([]Class, error)
	AddMember(ctx context.Context, classID, studentID int64) error // idempotent
	Members(ctx context.Context, classID int64) ([]User, error)
	// SignUpStudent creates a student and makes them a member of the class in
	// one transaction: either both happen or neither.
	SignUpStudent(ctx context.Context, u *User, passwordHash string, classID int64) error

	// Content.
	// ImportCourse stores a validated pack, replacing any course with the same
	// ID, in one transaction: nothing is half-imported.
	ImportCourse(ctx context.Context, p course.Pack) error
	Course(ctx context.Context, id string) (course.Pack, error)
	ListCourses(ctx context.Context) ([]course.Summary, error)

	// The review log: append-only, keyed by the client's event UUID.
	// AppendReviews inserts the events it has not seen (insert-or-ignore by ID)
	// in one transaction and returns the IDs that are now stored, including
	// those stored before: the client may drop exactly those from its queue.
	AppendReviews(ctx context.Context, userID int64, events []api.ReviewEvent) ([]string, error)
	// Reviews returns a user's review log ordered by (answered_at, id).
	Reviews(ctx context.Context, userID int64) ([]api.ReviewEvent, error)
	CountReviews(ctx context.Context, userID int64) (int, error)

	// Model bundles, published per class and task (see ModelBundle).
	// AddModel stores a bundle and makes it the current model of its class
	// and task, in one transaction; b.Task "" is TaskGEC. It sets b.Task,
	// b.CreatedAt and b.Current. ECONFLICT when the version is taken,
	// ENOTFOUND for a missing class, EINVALID for a task other than
	// ModelTasks or a parent that is not one of the class's versions.
	AddModel(ctx context.Context, b *ModelBundle) error
	ModelByVersion(ctx context.Context, version int64) (ModelBundle, error)
	// CurrentModel is the class's current model of the task ("" is
	// TaskGEC); ENOTFOUND when the class has none of that task yet,
	// EINVALID for a task that is not one of ModelTasks.
	CurrentModel(ctx context.Context, classID int64, task string) (ModelBundle, error)
	// ClassModels lists a class's bundles of every task, newest first.
	ClassModels(ctx context.Context, classID int64) ([]ModelBundle, error)
	// SetCurrentModel makes one of the class's versions the current model
	// of its task (a rollback, or a roll forward again); the other tasks'
	// current models stay. ENOTFOUND when the version is not the class's.
	SetCurrentModel(ctx context.Context, classID, version int64) error
	// LastModelVersion is the highest version published, 0 before the first.
	LastModelVersion(ctx context.Context) (int64, error)
}
