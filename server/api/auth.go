package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/argon2"

	"github.com/tutor-dev/tutor/server"
)

const (
	sessionCookie   = "tutor_session"
	csrfHeader      = "X-CSRF-Token"
	cookieLifetime  = 30 * 24 * time.Hour
	bearerLifetime  = 365 * 24 * time.Hour
	contextUserKey  = "tutor.user"
	contextKindKey  = "tutor.session_kind"
	contextTokenKey = "tutor.session_token"
)

// argon2id parameters: OWASP's minimum recommendation (19 MiB, 2 passes),
// which keeps a login under ~50 ms on a small classroom server.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
)

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("reading random salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches an argon2id PHC hash.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, iters, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// newSecret returns a random URL-safe token and the SHA-256 hex the store keeps.
func newSecret() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("reading random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// csrfToken derives the CSRF token from the session secret: only someone who
// holds the (HttpOnly) cookie can compute it, and nothing is stored.
func csrfToken(sessionToken string) string {
	mac := hmac.New(sha256.New, []byte(sessionToken))
	mac.Write([]byte("tutor csrf v1"))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// startSession creates a cookie session for u and sets the cookie.
func (s *Server) startSession(c echo.Context, u server.User) (csrf string, err error) {
	token, hash, err := newSecret()
	if err != nil {
		return "", err
	}
	now := s.now()
	sess := server.Session{TokenHash: hash, UserID: u.ID, Kind: server.SessionCookie, CreatedAt: now, ExpiresAt: now.Add(cookieLifetime)}
	if err := s.store.CreateSession(c.Request().Context(), sess); err != nil {
		return "", err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.tls, SameSite: http.SameSiteLaxMode})
	return csrfToken(token), nil
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.tls, SameSite: http.SameSiteLaxMode})
}

// credentials returns the session secret of a request and whether it came
// as a bearer token (scripts) or a cookie (browsers).
func credentials(c echo.Context) (token, kind string) {
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t), server.SessionBearer
		}
		return "", ""
	}
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		return ck.Value, server.SessionCookie
	}
	return "", ""
}

// authenticate loads the user of the session or bearer token, refuses
// disabled users and, for cookie sessions, checks the CSRF header on every
// request that changes something.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, kind := credentials(c)
		if token == "" {
			return server.Errorf(server.EUNAUTHORIZED, "Log in first (or send Authorization: Bearer <token>).")
		}
		ctx := c.Request().Context()
		sess, err := s.store.SessionByHash(ctx, hashToken(token))
		if server.ErrorCode(err) == server.ENOTFOUND || (err == nil && sess.Kind != kind) {
			return server.Errorf(server.EUNAUTHORIZED, "Your session has expired or was ended; log in again.")
		}
		if err != nil {
			return err
		}
		u, err := s.store.UserByID(ctx, sess.UserID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return server.Errorf(server.EUNAUTHORIZED, "This account is disabled; ask your teacher or administrator.")
		}
		if kind == server.SessionCookie && !safeMethod(c.Request().Method) {
			got := c.Request().Header.Get(csrfHeader)
			if subtle.ConstantTimeCompare([]byte(got), []byte(csrfToken(token))) != 1 {
				return server.Errorf(server.ECSRF, "The request lacks a valid %s header; reload the page and try again.", csrfHeader)
			}
		}
		c.Set(contextUserKey, u)
		c.Set(contextKindKey, kind)
		c.Set(contextTokenKey, token)
		return next(c)
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// currentUser returns the user that authenticate stored.
func currentUser(c echo.Context) server.User {
	u, _ := c.Get(contextUserKey).(server.User)
	return u
}

// requireRole refuses users whose role is not listed.
func (s *Server) requireRole(roles ...server.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !slices.Contains(roles, currentUser(c).Role) {
				return server.Errorf(server.EFORBIDDEN, "Your account (%s) may not do this.", currentUser(c).Role)
			}
			return next(c)
		}
	}
}

// rateLimiter is a token bucket per key (a client address): burst n, refilled
// at n per period.
type rateLimiter struct {
	mu      sync.Mutex
	n       float64
	period  time.Duration
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(n int, period time.Duration, now func() time.Time) *rateLimiter {
	return &rateLimiter{n: float64(n), period: period, now: now, buckets: map[string]*bucket{}}
}

// allow takes one token for key and reports whether there was one, and if
// not, how long until there is.
func (r *rateLimiter) allow(key string) (bool, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	b := r.buckets[key]
	if b == nil {
		if len(r.buckets) > 100_000 { // bound memory under a flood of addresses
			clear(r.buckets)
		}
		b = &bucket{tokens: r.n, last: now}
		r.buckets[key] = b
	}
	rate := r.n / r.period.Seconds()
	b.tokens = min(r.n, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) / rate * float64(time.Second))
	}
	b.tokens--
	return true, 0
}
