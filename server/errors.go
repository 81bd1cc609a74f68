package server

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to a status; the message is written
// for the person who will read it and says what to do.
const (
	ECONFLICT     = "conflict"        // 409
	EINTERNAL     = "internal"        // 500
	EINVALID      = "invalid"         // 400 / 422
	ENOTFOUND     = "not_found"       // 404
	EUNAUTHORIZED = "unauthorized"    // 401
	EFORBIDDEN    = "forbidden"       // 403
	ETOOLARGE     = "too_large"       // 413
	ERATELIMIT    = "rate_limited"    // 429
	EUNAVAILABLE  = "unavailable"     // 503
	ECSRF         = "csrf_token_bad"  // 403
	ESETUPDONE    = "setup_completed" // 409
)

// Error is a domain error with a machine-readable code, a human message and,
// for validation errors, the offending field.
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error naming the field at fault.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not
// *Error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of err; internal errors get a
// generic message so that details never leak to clients.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on the server. Try again; if it keeps happening, ask your administrator to check the server log."
}
