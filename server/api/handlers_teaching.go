package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server"
)

// Checker marks the grammar errors of a learner's text and explains them.
// Text it cannot check comes back as a *server.Error whose code is
// wire.CodeEmpty, wire.CodeTooLong, wire.CodeNotEnglish or server.EINVALID;
// any other error is a server fault. It must be safe for concurrent use.
type Checker interface {
	Check(ctx context.Context, text string) (wire.CheckResult, error)
}

// Grader judges a learner's answer to an exercise against the reference
// answers. Its errors follow Checker's rules.
type Grader interface {
	Grade(ctx context.Context, req wire.GradeRequest) (wire.GradeResult, error)
}

// The models are optional: a server started without them answers these.
var (
	errNoChecker = server.Errorf(server.EUNAVAILABLE, "Grammar checking is not set up on this server. "+
		"The administrator starts it with a trained checker model: tutor serve --check-model DIR.")
	errNoGrader = server.Errorf(server.EUNAVAILABLE, "Answer grading is not set up on this server. "+
		"The administrator starts it with a trained grader model: tutor serve --grade-model DIR.")
)

// check answers POST /check: the text's errors with their explanations.
// The cheap checks (blank, too long) come first, so bad input is a 4xx
// whether or not a model is loaded.
func (s *Server) check(c echo.Context) error {
	var req wire.CheckRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := checkTextField("text", "text", req.Text); err != nil {
		return err
	}
	if s.checker == nil {
		return errNoChecker
	}
	res, err := s.checker.Check(c.Request().Context(), req.Text)
	if err != nil {
		return err
	}
	if res.Edits == nil {
		res.Edits = []wire.CheckEdit{}
	}
	return c.JSON(http.StatusOK, res)
}

// grade answers POST /grade: correct, acceptable or wrong, with the
// model's probabilities.
func (s *Server) grade(c echo.Context) error {
	var req wire.GradeRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := checkGradeRequest(req); err != nil {
		return err
	}
	if s.grader == nil {
		return errNoGrader
	}
	res, err := s.grader.Grade(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// checkTextField refuses a blank text and one longer than a check takes;
// what names the text for the learner.
func checkTextField(field, what, text string) error {
	if strings.TrimSpace(text) == "" {
		return &server.Error{Code: wire.CodeEmpty, Field: field, Message: fmt.Sprintf("The %s is empty; write a sentence in English.", what)}
	}
	if n := utf8.RuneCountInString(text); n > wire.MaxCheckRunes {
		return &server.Error{Code: wire.CodeTooLong, Field: field,
			Message: fmt.Sprintf("The %s has %d characters; send at most %d at a time.", what, n, wire.MaxCheckRunes)}
	}
	return nil
}

// checkGradeRequest needs an answer and at least one reference answer
// that is not blank, all of them (and the exercise) within the length of
// one check; the grader has tighter limits of its own.
func checkGradeRequest(req wire.GradeRequest) error {
	if err := checkTextField("answer", "answer", req.Answer); err != nil {
		return err
	}
	if len(req.References) > wire.MaxReferences {
		return &server.Error{Code: wire.CodeTooLong, Field: "references",
			Message: fmt.Sprintf("There are %d reference answers; send at most %d, the most typical ones.", len(req.References), wire.MaxReferences)}
	}
	if !slices.ContainsFunc(req.References, func(r string) bool { return strings.TrimSpace(r) != "" }) {
		return &server.Error{Code: wire.CodeEmpty, Field: "references",
			Message: "There is no reference answer; send at least one answer the teacher accepts."}
	}
	for _, ref := range req.References {
		if n := utf8.RuneCountInString(ref); n > wire.MaxCheckRunes {
			return &server.Error{Code: wire.CodeTooLong, Field: "references",
				Message: fmt.Sprintf("A reference answer has %d characters; send at most %d.", n, wire.MaxCheckRunes)}
		}
	}
	if n := utf8.RuneCountInString(req.Exercise); n > wire.MaxCheckRunes {
		return &server.Error{Code: wire.CodeTooLong, Field: "exercise",
			Message: fmt.Sprintf("The exercise has %d characters; send at most %d.", n, wire.MaxCheckRunes)}
	}
	return nil
}
