package api

import (
	"context"
	"crypto/subtle"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server"
)

// settingSetupToken holds the hash of the one-time first-run token.
const settingSetupToken = "setup_token_hash"

// EnsureSetupToken makes a fresh one-time setup token when the server has no
// users yet and returns it ("" once an account exists). Only its hash is
// stored; a restart before setup replaces it.
func EnsureSetupToken(ctx context.Context, st server.Store) (string, error) {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	token, hash, err := newSecret()
	if err != nil {
		return "", err
	}
	return token, st.SetSetting(ctx, settingSetupToken, hash)
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)

// normalizeUsername lower-cases a username: logins are case-insensitive.
func normalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validateAccount(username, password, displayName string) error {
	if !usernamePattern.MatchString(username) {
		return server.FieldError("username", "A username is 3 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit.")
	}
	if n := utf8.RuneCountInString(password); n < 8 || n > 128 {
		return server.FieldError("password", "A password needs 8 to 128 characters.")
	}
	if utf8.RuneCountInString(displayName) > 64 {
		return server.FieldError("display_name", "A display name has at most 64 characters.")
	}
	return nil
}

func (s *Server) setupStatus(c echo.Context) error {
	n, err := s.store.CountUsers(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]bool{"needed": n == 0})
}

// setup creates the first admin with the one-time token printed at start.
func (s *Server) setup(c echo.Context) error {
	var req wire.SetupRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	req.Username = normalizeUsername(req.Username)
	if err := validateAccount(req.Username, req.Password, req.DisplayName); err != nil {
		return err
	}
	ctx := c.Request().Context()
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	n, err := s.store.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return server.Errorf(server.ESETUPDONE, "This server is already set up; log in instead.")
	}
	want, err := s.store.Setting(ctx, settingSetupToken)
	if err != nil && server.ErrorCode(err) != server.ENOTFOUND {
		return err
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(hashToken(req.Token)), []byte(want)) != 1 {
		return &server.Error{Code: server.EFORBIDDEN, Field: "token", Message: "The setup token is wrong or used up; use the link the server printed when it started (restart it for a new one)."}
	}
	u := server.User{Username: req.Username, DisplayName: orDefault(req.DisplayName, req.Username), Role: server.RoleAdmin}
	if err := s.addUser(ctx, &u, req.Password); err != nil {
		return err
	}
	if err := s.store.DeleteSetting(ctx, settingSetupToken); err != nil {
		return err
	}
	s.log.Info("first admin created", "username", u.Username)
	return s.respondSession(c, http.StatusCreated, u)
}

func (s *Server) addUser(ctx context.Context, u *server.User, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.store.CreateUser(ctx, u, hash)
}

func (s *Server) loginHandler(c echo.Context) error {
	if err := s.checkLoginRate(c); err != nil {
		return err
	}
	var req wire.LoginRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, hash, err := s.store.UserCredentials(ctx, normalizeUsername(req.Username))
	if server.ErrorCode(err) == server.ENOTFOUND {
		CheckPassword(dummyHash, req.Password) // same work either way: do not reveal which usernames exist
		return server.Errorf(server.EUNAUTHORIZED, "Wrong username or password.")
	}
	if err != nil {
		return err
	}
	if !CheckPassword(hash, req.Password) {
		return server.Errorf(server.EUNAUTHORIZED, "Wrong username or password.")
	}
	if u.Disabled {
		return server.Errorf(server.EUNAUTHORIZED, "This account is disabled; ask your teacher or administrator.")
	}
	return s.respondSession(c, http.StatusOK, u)
}

// checkLoginRate limits password guessing per client address.
func (s *Server) checkLoginRate(c echo.Context) error {
	ok, wait := s.login.allow(c.RealIP())
	if ok {
		return nil
	}
	secs := int(math.Ceil(wait.Seconds()))
	c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	return server.Errorf(server.ERATELIMIT, "Too many attempts from this address; wait %d seconds and try again.", secs)
}

// dummyHash is checked when a username does not exist, so that a failed
// login takes as long whether or not the user exists.
var dummyHash, _ = HashPassword("not a real password")

func (s *Server) signup(c echo.Context) error {
	if err := s.checkLoginRate(c); err != nil {
		return err
	}
	var req wire.SignupRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	req.Username = normalizeUsername(req.Username)
	if err := validateAccount(req.Username, req.Password, req.DisplayName); err != nil {
		return err
	}
	ctx := c.Request().Context()
	class, err := s.classByCode(ctx, req.JoinCode)
	if err != nil {
		return err
	}
	hash, err := HashPassword(req.Password)
	if err != nil {
		return err
	}
	u := server.User{Username: req.Username, DisplayName: orDefault(req.DisplayName, req.Username), Role: server.RoleStudent}
	if err := s.store.SignUpStudent(ctx, &u, hash, class.ID); err != nil {
		return err
	}
	return s.respondSession(c, http.StatusCreated, u)
}

func (s *Server) logout(c echo.Context) error {
	if token, kind := credentials(c); token != "" {
		if kind == server.SessionCookie && c.Request().Header.Get(csrfHeader) != csrfToken(token) {
			return server.Errorf(server.ECSRF, "The request lacks a valid %s header; reload the page and try again.", csrfHeader)
		}
		if err := s.store.DeleteSession(c.Request().Context(), hashToken(token)); err != nil && server.ErrorCode(err) != server.ENOTFOUND {
			return err
		}
	}
	s.clearSessionCookie(c)
	return c.NoContent(http.StatusNoContent)
}

// respondSession starts a cookie session and answers with the user, their
// classes and the CSRF token.
func (s *Server) respondSession(c echo.Context, status int, u server.User) error {
	csrf, err := s.startSession(c, u)
	if err != nil {
		return err
	}
	resp, err := s.sessionResponse(c.Request().Context(), u)
	if err != nil {
		return err
	}
	resp.CSRFToken = csrf
	return c.JSON(status, resp)
}

func (s *Server) sessionResponse(ctx context.Context, u server.User) (wire.SessionResponse, error) {
	classes, err := s.visibleClasses(ctx, u)
	if err != nil {
		return wire.SessionResponse{}, err
	}
	return wire.SessionResponse{User: toWireUser(u), Classes: classes, ModelKey: s.modelKeyText()}, nil
}

func (s *Server) me(c echo.Context) error {
	u := currentUser(c)
	resp, err := s.sessionResponse(c.Request().Context(), u)
	if err != nil {
		return err
	}
	if c.Get(contextKindKey) == server.SessionCookie {
		resp.CSRFToken = csrfToken(c.Get(contextTokenKey).(string))
	}
	return c.JSON(http.StatusOK, resp)
}

// createToken issues a bearer token for scripts, shown once.
func (s *Server) createToken(c echo.Context) error {
	var req wire.TokenRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	req.Label = strings.TrimSpace(req.Label)
	if req.Label == "" || utf8.RuneCountInString(req.Label) > 64 {
		return server.FieldError("label", "Give the token a label of 1 to 64 characters saying what it is for.")
	}
	token, hash, err := newSecret()
	if err != nil {
		return err
	}
	now := s.now()
	sess := server.Session{TokenHash: hash, UserID: currentUser(c).ID, Kind: server.SessionBearer, Label: req.Label,
		CreatedAt: now, ExpiresAt: now.Add(bearerLifetime)}
	if err := s.store.CreateSession(c.Request().Context(), sess); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, wire.TokenResponse{Token: token, ExpiresAt: sess.ExpiresAt})
}

func toWireUser(u server.User) wire.User {
	return wire.User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: string(u.Role), Disabled: u.Disabled, CreatedAt: u.CreatedAt}
}

func orDefault(s, def string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return def
}
