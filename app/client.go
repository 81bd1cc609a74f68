package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/app/course"
)

// APIError is an error answer of the server: its status and the
// {"error":{...}} envelope. Message is written for the user; show it.
type APIError struct {
	Status int
	api.ErrorDetail
}

func (e *APIError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return fmt.Sprintf("the server answered with status %d", e.Status)
}

// NetworkError means the request never got an answer: the device is offline
// or the server is down. Nothing was changed on the server's side as far as
// the app can know, so queued work stays queued.
type NetworkError struct{ Err error }

func (e *NetworkError) Error() string { return "no connection to the server: " + e.Err.Error() }
func (e *NetworkError) Unwrap() error { return e.Err }

// isOffline reports whether err is a NetworkError.
func isOffline(err error) bool {
	var ne *NetworkError
	return errors.As(err, &ne)
}

// isUnauthorized reports whether the server said the session is gone.
func isUnauthorized(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == 401
}

// Client calls the /api/v1 JSON API on the page's own origin. The session
// is the HttpOnly cookie the browser keeps; the CSRF token that goes with it
// is sent on every unsafe request.
type Client struct {
	// Base is the server origin, e.g. "http://127.0.0.1:8080" (in the
	// browser: location.origin).
	Base string
	// CSRF is the token from the last SessionResponse.
	CSRF string
}

// requestTimeout bounds each call so that a dead network does not hang the
// sync loop; uploads of 500 events fit well within it.
const requestTimeout = 20 * time.Second

// do sends method path with body encoded as JSON (nil: no body) and decodes
// a 2xx answer into out (nil: discard). The request itself goes through
// roundTrip: the browser's fetch in app.wasm (net/http's client would
// double the download), net/http elsewhere.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	header := map[string]string{"Accept": "application/json"}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		payload = b
		header["Content-Type"] = "application/json"
	}
	if method != "GET" && method != "HEAD" && c.CSRF != "" {
		header["X-CSRF-Token"] = c.CSRF
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	status, data, err := roundTrip(ctx, method, strings.TrimRight(c.Base, "/")+path, header, payload)
	if err != nil {
		return &NetworkError{Err: err}
	}
	if status < 200 || status > 299 {
		return decodeAPIError(status, data)
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("the server's answer to %s %s could not be read (%v); the app and server versions may differ, reload the page", method, path, err)
	}
	return nil
}

// decodeAPIError reads the error envelope; answers without one (a proxy's
// error page) still become an APIError with a readable message.
func decodeAPIError(status int, data []byte) error {
	var eb api.ErrorBody
	if err := json.Unmarshal(data, &eb); err == nil && eb.Error.Message != "" {
		return &APIError{Status: status, ErrorDetail: eb.Error}
	}
	return &APIError{Status: status, ErrorDetail: api.ErrorDetail{
		Code:    "http_" + fmt.Sprint(status),
		Message: fmt.Sprintf("The server answered with status %d. Try again later; if it keeps happening, tell your administrator.", status),
	}}
}

// SetupNeeded asks whether the first admin still has to be created.
func (c *Client) SetupNeeded(ctx context.Context) (bool, error) {
	var r struct {
		Needed bool `json:"needed"`
	}
	err := c.do(ctx, "GET", "/api/v1/setup", nil, &r)
	return r.Needed, err
}

// Setup creates the first admin and logs them in.
func (c *Client) Setup(ctx context.Context, req api.SetupRequest) (api.SessionResponse, error) {
	var s api.SessionResponse
	err := c.do(ctx, "POST", "/api/v1/setup", req, &s)
	return s, err
}

// Login logs a user in.
func (c *Client) Login(ctx context.Context, req api.LoginRequest) (api.SessionResponse, error) {
	var s api.SessionResponse
	err := c.do(ctx, "POST", "/api/v1/auth/login", req, &s)
	return s, err
}

// Signup creates a student account in the class with the join code.
func (c *Client) Signup(ctx context.Context, req api.SignupRequest) (api.SessionResponse, error) {
	var s api.SessionResponse
	err := c.do(ctx, "POST", "/api/v1/auth/signup", req, &s)
	return s, err
}

// Logout ends the session.
func (c *Client) Logout(ctx context.Context) error {
	return c.do(ctx, "POST", "/api/v1/auth/logout", nil, nil)
}

// Me returns the logged-in user, their classes and a fresh CSRF token.
func (c *Client) Me(ctx context.Context) (api.SessionResponse, error) {
	var s api.SessionResponse
	err := c.do(ctx, "GET", "/api/v1/me", nil, &s)
	return s, err
}

// JoinClass joins another class by its code.
func (c *Client) JoinClass(ctx context.Context, code string) (api.Class, error) {
	var cl api.Class
	err := c.do(ctx, "POST", "/api/v1/me/classes", api.JoinRequest{JoinCode: code}, &cl)
	return cl, err
}

// Courses lists the courses on the server.
func (c *Client) Courses(ctx context.Context) ([]api.CourseSummary, error) {
	var cs []api.CourseSummary
	err := c.do(ctx, "GET", "/api/v1/courses", nil, &cs)
	return cs, err
}

// Course downloads a whole course pack.
func (c *Client) Course(ctx context.Context, id string) (course.Pack, error) {
	var p course.Pack
	err := c.do(ctx, "GET", "/api/v1/courses/"+url.PathEscape(id), nil, &p)
	return p, err
}

// Classes lists the classes the user teaches, manages or belongs to.
func (c *Client) Classes(ctx context.Context) ([]api.Class, error) {
	var cs []api.Class
	err := c.do(ctx, "GET", "/api/v1/classes", nil, &cs)
	return cs, err
}

// CreateClass creates a class for a course.
func (c *Client) CreateClass(ctx context.Context, req api.CreateClassRequest) (api.Class, error) {
	var cl api.Class
	err := c.do(ctx, "POST", "/api/v1/classes", req, &cl)
	return cl, err
}

// ClassProgress returns the progress of each student in a class.
func (c *Client) ClassProgress(ctx context.Context, classID int64) (api.ClassProgress, error) {
	var p api.ClassProgress
	err := c.do(ctx, "GET", fmt.Sprintf("/api/v1/classes/%d/progress", classID), nil, &p)
	return p, err
}

// Users lists all accounts (admins only).
func (c *Client) Users(ctx context.Context) ([]api.User, error) {
	var us []api.User
	err := c.do(ctx, "GET", "/api/v1/users", nil, &us)
	return us, err
}

// CreateUser creates an account (admins only).
func (c *Client) CreateUser(ctx context.Context, req api.CreateUserRequest) (api.User, error) {
	var u api.User
	err := c.do(ctx, "POST", "/api/v1/users", req, &u)
	return u, err
}

// UpdateUser changes an account (admins only).
func (c *Client) UpdateUser(ctx context.Context, id int64, req api.UpdateUserRequest) (api.User, error) {
	var u api.User
	err := c.do(ctx, "PATCH", fmt.Sprintf("/api/v1/users/%d", id), req, &u)
	return u, err
}

// SyncReviews uploads queued answers; see api.SyncResponse.
func (c *Client) SyncReviews(ctx context.Context, events []api.ReviewEvent) (api.SyncResponse, error) {
	var r api.SyncResponse
	err := c.do(ctx, "POST", "/api/v1/sync/reviews", api.SyncRequest{Events: events}, &r)
	return r, err
}

// Reviews downloads the user's whole review log (for a new device).
func (c *Client) Reviews(ctx context.Context) ([]api.ReviewEvent, error) {
	var rs []api.ReviewEvent
	err := c.do(ctx, "GET", "/api/v1/reviews", nil, &rs)
	return rs, err
}

// Check asks the server to mark the grammar errors of a learner's text.
func (c *Client) Check(ctx context.Context, text string) (api.CheckResult, error) {
	var r api.CheckResult
	err := c.do(ctx, "POST", "/api/v1/check", api.CheckRequest{Text: text}, &r)
	return r, err
}
