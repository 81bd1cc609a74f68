package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/labstack/echo/v4"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server"
)

// statusOf maps a domain error code to an HTTP status.
var statusOf = map[string]int{
	server.EINVALID:      http.StatusBadRequest,
	server.EUNAUTHORIZED: http.StatusUnauthorized,
	server.EFORBIDDEN:    http.StatusForbidden,
	server.ECSRF:         http.StatusForbidden,
	server.ENOTFOUND:     http.StatusNotFound,
	server.ECONFLICT:     http.StatusConflict,
	server.ESETUPDONE:    http.StatusConflict,
	server.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	server.ERATELIMIT:    http.StatusTooManyRequests,
	server.EUNAVAILABLE:  http.StatusServiceUnavailable,
	server.EINTERNAL:     http.StatusInternalServerError,
	wire.CodeEmpty:       http.StatusUnprocessableEntity,
	wire.CodeNotEnglish:  http.StatusUnprocessableEntity,
	wire.CodeTooLong:     http.StatusRequestEntityTooLarge,
}

// handleError is the one place where errors become HTTP responses: every
// error is written as {"error":{"code","message","field"}}.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	detail := s.errorDetail(err, c)
	status := statusOf[detail.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	var he *echo.HTTPError
	if errors.As(err, &he) && server.ErrorCode(err) == server.EINTERNAL {
		status = he.Code
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, wire.ErrorBody{Error: detail})
}

func (s *Server) errorDetail(err error, c echo.Context) wire.ErrorDetail {
	var de *server.Error
	if errors.As(err, &de) {
		return wire.ErrorDetail{Code: de.Code, Message: de.Message, Field: de.Field}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return echoErrorDetail(he, c)
	}
	return wire.ErrorDetail{Code: server.EINTERNAL, Message: server.ErrorMessage(err)}
}

// echoErrorDetail explains Echo's own errors (unknown route, wrong method).
func echoErrorDetail(he *echo.HTTPError, c echo.Context) wire.ErrorDetail {
	switch he.Code {
	case http.StatusNotFound:
		return wire.ErrorDetail{Code: server.ENOTFOUND, Message: fmt.Sprintf("There is no %s %s. Check the address against the API documentation (docs/API.md).", c.Request().Method, c.Request().URL.Path)}
	case http.StatusMethodNotAllowed:
		return wire.ErrorDetail{Code: "method_not_allowed", Message: fmt.Sprintf("%s is not allowed on %s.", c.Request().Method, c.Request().URL.Path)}
	case http.StatusRequestEntityTooLarge:
		return wire.ErrorDetail{Code: server.ETOOLARGE, Message: "The request body is too large."}
	}
	msg := http.StatusText(he.Code)
	if m, ok := he.Message.(string); ok {
		msg = m
	}
	code := server.EINTERNAL
	if he.Code < 500 {
		code = server.EINVALID
	}
	return wire.ErrorDetail{Code: code, Message: msg}
}

// decode reads a JSON request body into v strictly: unknown fields, trailing
// data, wrong types and oversized bodies are errors that name the problem.
func decode(c echo.Context, v any) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" && !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return server.Errorf(server.EINVALID, "Send the request body as JSON with Content-Type: application/json (got %q).", ct)
	}
	dec := json.NewDecoder(req.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return server.Errorf(server.EINVALID, "The request body must hold exactly one JSON value; remove what follows it.")
	}
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var big *http.MaxBytesError
	switch {
	case errors.As(err, &big):
		return server.Errorf(server.ETOOLARGE, "The request body is larger than %d bytes; send less at a time.", big.Limit)
	case errors.Is(err, io.EOF):
		return server.Errorf(server.EINVALID, "The request body is empty; send a JSON object.")
	case errors.As(err, &syn):
		return server.Errorf(server.EINVALID, "The request body is not valid JSON (error at byte %d): %v.", syn.Offset, syn)
	case errors.As(err, &typ):
		field := typ.Field
		return &server.Error{Code: server.EINVALID, Field: field,
			Message: fmt.Sprintf("Field %q must be a %s, not a JSON %s.", field, typ.Type.String(), typ.Value)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return server.Errorf(server.EINVALID, "The request body ends too early; send complete JSON.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &server.Error{Code: server.EINVALID, Field: field, Message: fmt.Sprintf("Unknown field %q; remove it or check its spelling.", field)}
	}
	return server.Errorf(server.EINVALID, "The request body could not be read: %v.", err)
}

// recoverPanics turns a panic into a logged 500 with the usual envelope,
// so one bad request never takes the server down.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic while serving request", "path", c.Request().URL.Path, "panic", r, "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}

// bodyLimits are the routes whose bodies may be larger or must be smaller
// than bodyLimitDefault: course imports are large, a text to check or
// grade is one text.
var bodyLimits = map[string]int64{
	"/api/v1/courses": bodyLimitCourse,
	"/api/v1/check":   wire.MaxTeachingBody,
	"/api/v1/grade":   wire.MaxTeachingBody,
}

// bodyLimit caps request bodies by route.
func (s *Server) bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		limit, ok := bodyLimits[c.Path()]
		if !ok {
			limit = bodyLimitDefault
		}
		req := c.Request()
		if req.ContentLength > limit {
			return server.Errorf(server.ETOOLARGE, "The request body is %d bytes; the limit here is %d bytes.", req.ContentLength, limit)
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
		return next(c)
	}
}

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; "+
			"style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; "+
			"object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
		if s.tls {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

// requestLog writes one structured line per request.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := s.now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		level := slog.LevelDebug
		if res.Status >= 500 {
			level = slog.LevelError
		} else if strings.HasPrefix(req.URL.Path, "/api/") {
			level = slog.LevelInfo
		}
		s.log.Log(req.Context(), level, "http", "method", req.Method, "path", req.URL.Path,
			"status", res.Status, "bytes", res.Size, "ms", s.now().Sub(start).Milliseconds(), "ip", c.RealIP())
		return nil
	}
}
