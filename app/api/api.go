// Package api holds the JSON wire types of the /api/v1 HTTP API, shared by
// the server (which encodes them) and the browser app (which decodes them),
// so the two can never disagree on a field name.
//
// It must stay dependency-free (standard library only) and must not import
// server, app components or anything that does not build for js/wasm.
package api

import "time"

// ErrorBody is the envelope of every error response:
// {"error":{"code","message","field"}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong (code), for whom to read (message) and,
// for validation errors, which field.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// User is a user as the API shows it.
type User struct {
	ID          int64     `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Role        string    `json:"role"`
	Disabled    bool      `json:"disabled,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Class is a class as the API shows it. JoinCode is shown to its teacher and
// to admins only.
type Class struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	CourseID    string `json:"course_id"`
	TeacherID   int64  `json:"teacher_id"`
	TeacherName string `json:"teacher_name,omitempty"`
	JoinCode    string `json:"join_code,omitempty"`
	Members     int    `json:"members"`
}

// SetupRequest creates the first admin with the one-time setup token.
type SetupRequest struct {
	Token       string `json:"token"`
	Username    string `json:"username"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
}

// LoginRequest logs a user in with a password.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// SignupRequest creates a student account and joins a class by its code.
type SignupRequest struct {
	JoinCode    string `json:"join_code"`
	Username    string `json:"username"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
}

// SessionResponse answers login, signup and GET /me. CSRFToken must be sent
// back in the X-CSRF-Token header with every unsafe request made with the
// session cookie.
type SessionResponse struct {
	User      User    `json:"user"`
	Classes   []Class `json:"classes"`
	CSRFToken string  `json:"csrf_token,omitempty"`
	// ModelKey is the server's public key for model bundles (as in
	// ModelKey.PublicKey), for the client to pin at login; empty when the
	// server has none.
	ModelKey string `json:"model_key,omitempty"`
}

// TokenRequest asks for a bearer token for scripts.
type TokenRequest struct {
	Label string `json:"label"`
}

// TokenResponse carries a bearer token; it is shown once.
type TokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// JoinRequest joins another class by its code.
type JoinRequest struct {
	JoinCode string `json:"join_code"`
}

// CreateClassRequest creates a class for a course.
type CreateClassRequest struct {
	Name     string `json:"name"`
	CourseID string `json:"course_id"`
}

// CreateUserRequest is an admin creating an account.
type CreateUserRequest struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
}

// UpdateUserRequest is an admin changing an account; nil fields stay.
type UpdateUserRequest struct {
	DisplayName *string `json:"display_name,omitempty"`
	Role        *string `json:"role,omitempty"`
	Disabled    *bool   `json:"disabled,omitempty"`
	Password    *string `json:"password,omitempty"`
}

// ReviewEvent is one answer a learner gave, made on the client. ID is a
// client-made UUID; the server stores each ID once (insert-or-ignore), so an
// event can be uploaded any number of times.
type ReviewEvent struct {
	ID         string    `json:"id"`
	DeviceID   string    `json:"device_id"`
	CourseID   string    `json:"course_id"`
	ItemID     string    `json:"item_id"`
	Answer     string    `json:"answer"`
	Correct    bool      `json:"correct"`
	Rating     int       `json:"rating"` // FSRS rating: 1 again, 2 hard, 3 good, 4 easy
	AnsweredAt time.Time `json:"answered_at"`
	DurationMS int       `json:"duration_ms"`
}

// SyncRequest uploads queued events.
type SyncRequest struct {
	Events []ReviewEvent `json:"events"`
}

// SyncResponse acknowledges the events now stored; the client deletes an
// event from its queue only when its ID is in Acked. Rejected events are
// invalid and will never be accepted; the client keeps them aside.
type SyncResponse struct {
	Acked    []string        `json:"acked"`
	Rejected []RejectedEvent `json:"rejected,omitempty"`
	Version  int             `json:"version"` // number of reviews stored for the user
}

// RejectedEvent names an event the server will not store, and why.
type RejectedEvent struct {
	ID      string `json:"id"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// MaxSyncEvents is the most events one sync request may carry.
const MaxSyncEvents = 500

// CourseSummary lists a course without its items.
type CourseSummary struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	TargetLang  string `json:"target_lang"`
	SourceLang  string `json:"source_lang"`
	Description string `json:"description,omitempty"`
	Units       int    `json:"units"`
	Items       int    `json:"items"`
}

// Progress is a learner's state derived from their review log.
type Progress struct {
	UserID      int64          `json:"user_id"`
	Username    string         `json:"username"`
	DisplayName string         `json:"display_name"`
	Reviews     int            `json:"reviews"`
	Due         int            `json:"due"`
	Learned     int            `json:"learned"`
	Streak      int            `json:"streak"`
	Accuracy    float64        `json:"accuracy"`
	LastActive  *time.Time     `json:"last_active,omitempty"`
	Units       []UnitProgress `json:"units"`
}

// UnitProgress is how much of a unit a learner has started.
type UnitProgress struct {
	UnitID  string `json:"unit_id"`
	Title   string `json:"title"`
	Items   int    `json:"items"`
	Learned int    `json:"learned"`
}

// ClassProgress is the teacher's view of a class.
type ClassProgress struct {
	Class    Class      `json:"class"`
	Students []Progress `json:"students"`
}

// ImportReport answers a content import.
type ImportReport struct {
	CourseID string `json:"course_id"`
	Units    int    `json:"units"`
	Lessons  int    `json:"lessons"`
	Items    int    `json:"items"`
}
