// Package teaching serves the teaching models to the HTTP API: it opens the
// grammar checker (model/checker) and the answer grader (model/grader) and
// gives them the shape of server/api's Checker and Grader, with the wire
// types of app/api and the models' input errors as domain errors
// (*server.Error with the codes empty, too_long and not_english).
//
// It may import the model packages (DESIGN.md: model <- server), server and
// app/api. It must not import server/api, server/sqlite or net/http: the
// HTTP layer knows only the interfaces, so it builds and is tested without
// any model, and cmd/tutor wires the two together.
package teaching

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/model/checker"
	"github.com/tutor-dev/tutor/model/grader"
	"github.com/tutor-dev/tutor/server"
)

// Checker is a loaded grammar checker. It is safe for concurrent use (the
// model checks one text at a time).
type Checker struct {
	checker *checker.Checker
}

// OpenChecker loads the tagging model in modelDir, the word tables in
// lexiconDir (data/errors) and the explanation file at explanationsPath
// (data/explain/en-for-zh.json). Unless opt says otherwise the checker takes
// texts as long as the API accepts.
func OpenChecker(modelDir, lexiconDir, explanationsPath string, opt checker.Options) (*Checker, error) {
	if opt.MaxChars == 0 {
		opt.MaxChars = wire.MaxCheckRunes
	}
	c, err := checker.Open(modelDir, lexiconDir, explanationsPath, opt)
	if err != nil {
		return nil, err
	}
	return &Checker{checker: c}, nil
}

// Options are the checker's options, defaults filled in.
func (c *Checker) Options() checker.Options { return c.checker.Options() }

// Check marks the errors of text. It gives up when ctx is done while the
// text waits for the model.
func (c *Checker) Check(ctx context.Context, text string) (wire.CheckResult, error) {
	res, err := c.checker.CheckContext(ctx, text)
	if ie, ok := checker.IsInputError(err); ok {
		return wire.CheckResult{}, inputError(ie.Code, "text", ie.Message)
	}
	if err != nil {
		return wire.CheckResult{}, fmt.Errorf("checking a text of %d characters: %w", utf8.RuneCountInString(text), err)
	}
	return checkResult(res), nil
}

func checkResult(res checker.Result) wire.CheckResult {
	out := wire.CheckResult{Text: res.Text, Corrected: res.Corrected, Edits: make([]wire.CheckEdit, len(res.Edits))}
	for i, e := range res.Edits {
		out.Edits[i] = wire.CheckEdit{Start: e.Start, End: e.End, Replacement: e.Replacement, Type: e.Type,
			ExplanationZH: e.ExplanationZH, ExplanationEN: e.ExplanationEN, Confidence: e.Confidence}
		if e.Example != nil {
			out.Edits[i].Example = &wire.Example{Wrong: e.Example.Wrong, Right: e.Example.Right}
		}
	}
	return out
}

// Grader is a loaded answer grader. It is safe for concurrent use.
type Grader struct {
	grader *grader.Grader
}

// OpenGrader loads the grading model in modelDir (a checkpoint, or a run
// directory whose best/ is used).
func OpenGrader(modelDir string) (*Grader, error) {
	g, err := grader.Open(modelDir)
	if err != nil {
		return nil, err
	}
	return &Grader{grader: g}, nil
}

// Dir is the checkpoint directory the grader was loaded from.
func (g *Grader) Dir() string { return g.grader.Dir() }

// Grade judges the answer of req against its references.
func (g *Grader) Grade(ctx context.Context, req wire.GradeRequest) (wire.GradeResult, error) {
	if err := ctx.Err(); err != nil {
		return wire.GradeResult{}, err
	}
	res, err := g.grader.Grade(req.Exercise, req.References, req.Answer)
	if ie, ok := grader.IsInputError(err); ok {
		return wire.GradeResult{}, inputError(ie.Code, "", ie.Message)
	}
	if err != nil {
		return wire.GradeResult{}, fmt.Errorf("grading an answer: %w", err)
	}
	return wire.GradeResult{Grade: res.Grade, Confidence: res.Confidence, Scores: res.Scores, Exact: res.Exact}, nil
}

// inputError turns a model's refusal into a domain error the API answers
// with a 4xx; a code the API does not know is plain invalid input.
func inputError(code, field, message string) *server.Error {
	switch code {
	case wire.CodeEmpty, wire.CodeTooLong, wire.CodeNotEnglish:
	default:
		code = server.EINVALID
	}
	return &server.Error{Code: code, Field: field, Message: sentence(message)}
}

// sentence writes a model's message ("the text is empty; write ...") as
// the API's messages are written: a capital first and a full stop last.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "The model refused the input."
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
