// Package api is the classroom server's HTTP layer: the Echo v4 application
// with the /api/v1 routes, authentication (sessions, CSRF, bearer tokens),
// role checks, the JSON error envelope, metrics and the PWA mount.
//
// It depends on server (domain and Store) and the shared wire types in
// app/api and app/course. It must not import server/sqlite (the store is
// injected) nor cmd.
package api

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tutor-dev/tutor/app/course"
	"github.com/tutor-dev/tutor/server"
)

// Body size limits: ordinary requests are small; course packs can be large.
const (
	bodyLimitDefault = 1 << 20  // 1 MiB
	bodyLimitCourse  = 32 << 20 // 32 MiB
)

// Options configure the HTTP application.
type Options struct {
	Store  server.Store
	Logger *slog.Logger
	// App serves everything outside /api (the PWA); nil serves 404s.
	App http.Handler
	// TLS marks cookies Secure and sends HSTS.
	TLS bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// LoginRate is how many login attempts one client address may make per
	// minute (burst and refill); 0 means 10.
	LoginRate int
	// Checker serves POST /check and Grader POST /grade; nil answers 503
	// with how to configure them (the models are optional).
	Checker Checker
	Grader  Grader
	// ModelKey is the public half of the key that signs model bundles
	// (server/registry): served at GET /models/key and in every session
	// answer for clients to pin. nil: the server has none (GET /models/key
	// answers 503).
	ModelKey ed25519.PublicKey
	// ClassModel, when set, publishes the server's own model of a task
	// ("gec", "grade") for a class that has none yet, and reports whether
	// the class has one now; GET /models/current calls it before it
	// answers 404, so every class gets the server's models on its
	// learners' first sync.
	ClassModel func(ctx context.Context, classID int64, task string) (bool, error)
}

// Server is the HTTP application. Build it with New; it is an http.Handler.
type Server struct {
	echo    *echo.Echo
	store   server.Store
	log     *slog.Logger
	now     func() time.Time
	tls     bool
	metrics *metrics
	login   *rateLimiter
	items   itemIndex
	checker Checker
	grader  Grader
	setupMu sync.Mutex // one first-run setup at a time

	modelKey   ed25519.PublicKey                                                   // Options.ModelKey
	classModel func(ctx context.Context, classID int64, task string) (bool, error) // Options.ClassModel
}

// New builds the Echo application with all routes and middleware.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LoginRate <= 0 {
		opts.LoginRate = 10
	}
	s := &Server{
		echo:    echo.New(),
		store:   opts.Store,
		log:     opts.Logger,
		now:     opts.Now,
		tls:     opts.TLS,
		metrics: newMetrics(),
		login:   newRateLimiter(opts.LoginRate, time.Minute, opts.Now),
		items:   itemIndex{courses: map[string]map[string]bool{}},
		checker: opts.Checker,
		grader:  opts.Grader,

		modelKey:   opts.ModelKey,
		classModel: opts.ClassModel,
	}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(s.metrics.middleware, s.requestLog, s.recoverPanics, s.securityHeaders)

	e.GET("/healthz", s.healthz)
	e.GET("/metrics", s.metrics.serve)
	s.routes(e.Group("/api/v1"))
	if opts.App != nil {
		e.Any("/*", echo.WrapHandler(opts.App))
	}
	return s
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Echo exposes the underlying Echo instance (for Start and Shutdown).
func (s *Server) Echo() *echo.Echo { return s.echo }

func (s *Server) routes(v1 *echo.Group) {
	v1.Use(s.bodyLimit)

	v1.GET("/setup", s.setupStatus)
	v1.POST("/setup", s.setup)
	v1.POST("/auth/login", s.loginHandler)
	v1.POST("/auth/signup", s.signup)
	v1.POST("/auth/logout", s.logout)

	// Authentication is per route, not per group, so that an unknown path
	// is a 404 for everyone rather than a 401.
	authed := routeAdder{v1, []echo.MiddlewareFunc{s.authenticate}}
	staff := authed.with(s.requireRole(server.RoleTeacher, server.RoleAdmin))
	admin := authed.with(s.requireRole(server.RoleAdmin))

	authed.add(http.MethodGet, "/me", s.me)
	authed.add(http.MethodPost, "/me/classes", s.joinClass)
	authed.add(http.MethodPost, "/auth/tokens", s.createToken)

	authed.add(http.MethodGet, "/courses", s.listCourses)
	authed.add(http.MethodGet, "/courses/:id", s.getCourse)
	staff.add(http.MethodGet, "/courses/:id/export", s.exportCourse)
	staff.add(http.MethodPost, "/courses", s.importCourse)

	authed.add(http.MethodGet, "/classes", s.listClasses)
	staff.add(http.MethodPost, "/classes", s.createClass)
	staff.add(http.MethodGet, "/classes/:id/progress", s.classProgress)

	admin.add(http.MethodGet, "/users", s.listUsers)
	admin.add(http.MethodPost, "/users", s.createUser)
	admin.add(http.MethodPatch, "/users/:id", s.updateUser)

	authed.add(http.MethodPost, "/sync/reviews", s.syncReviews)
	authed.add(http.MethodGet, "/reviews", s.listReviews)
	authed.add(http.MethodGet, "/progress", s.progress)

	// Any signed-in user may ask; the bodies are one text, so small
	// (bodyLimits).
	authed.add(http.MethodPost, "/check", s.check)
	authed.add(http.MethodPost, "/grade", s.grade)

	s.modelRoutes(v1, authed, staff)
}

// routeAdder registers routes with a fixed list of route middleware.
type routeAdder struct {
	g  *echo.Group
	mw []echo.MiddlewareFunc
}

func (r routeAdder) with(m echo.MiddlewareFunc) routeAdder {
	return routeAdder{r.g, append(append([]echo.MiddlewareFunc{}, r.mw...), m)}
}

func (r routeAdder) add(method, path string, h echo.HandlerFunc) {
	r.g.Add(method, path, h, r.mw...)
}

func (s *Server) healthz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if _, err := s.store.CountUsers(ctx); err != nil {
		s.log.Error("health check: store unavailable", "err", err)
		return server.Errorf(server.EUNAVAILABLE, "The database is unavailable; see the server log.")
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// itemIndex caches which item IDs exist in which course, for validating
// uploaded review events without decoding whole packs on every sync.
type itemIndex struct {
	mu      sync.Mutex
	courses map[string]map[string]bool
}

func (x *itemIndex) forget(courseID string) {
	x.mu.Lock()
	delete(x.courses, courseID)
	x.mu.Unlock()
}

// has reports whether the course exists and holds the item.
func (x *itemIndex) has(ctx context.Context, st server.Store, courseID, itemID string) (bool, error) {
	x.mu.Lock()
	items, ok := x.courses[courseID]
	x.mu.Unlock()
	if !ok {
		p, err := st.Course(ctx, courseID)
		if server.ErrorCode(err) == server.ENOTFOUND {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		items = itemIDs(p.Course)
		x.mu.Lock()
		x.courses[courseID] = items
		x.mu.Unlock()
	}
	return items[itemID], nil
}

func itemIDs(c course.Course) map[string]bool {
	ids := map[string]bool{}
	for _, u := range c.Units {
		for _, l := range u.Lessons {
			for _, it := range l.Items {
				ids[it.ID] = true
			}
		}
	}
	return ids
}
