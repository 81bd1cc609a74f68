package api

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/app/course"
	"github.com/tutor-dev/tutor/app/learn"
	"github.com/tutor-dev/tutor/server"
)

func (s *Server) listCourses(c echo.Context) error {
	list, err := s.store.ListCourses(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]wire.CourseSummary, 0, len(list))
	for _, cs := range list {
		out = append(out, wire.CourseSummary{ID: cs.ID, Title: cs.Title, TargetLang: cs.TargetLang,
			SourceLang: cs.SourceLang, Description: cs.Description, Units: cs.Units, Items: cs.Items})
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) getCourse(c echo.Context) error {
	p, err := s.store.Course(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) exportCourse(c echo.Context) error {
	p, err := s.store.Course(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", p.Course.ID+".json"))
	return c.JSONPretty(http.StatusOK, p, "  ")
}

// importCourse validates a whole pack before storing any of it, then stores
// it in one transaction.
func (s *Server) importCourse(c echo.Context) error {
	p, err := course.Decode(c.Request().Body)
	if err != nil {
		return packError(err)
	}
	if err := s.store.ImportCourse(c.Request().Context(), p); err != nil {
		return err
	}
	s.items.forget(p.Course.ID)
	sum := p.Course.Summarize()
	lessons := 0
	for _, u := range p.Course.Units {
		lessons += len(u.Lessons)
	}
	s.log.Info("course imported", "course", sum.ID, "items", sum.Items, "by", currentUser(c).Username)
	return c.JSON(http.StatusCreated, wire.ImportReport{CourseID: sum.ID, Units: sum.Units, Lessons: lessons, Items: sum.Items})
}

// packError turns a pack decoding or validation failure into an EINVALID
// error whose message lists the problems (item and field named).
func packError(err error) error {
	if de := decodeError(err); server.ErrorCode(de) == server.ETOOLARGE {
		return de
	}
	return &server.Error{Code: server.EINVALID, Field: "pack", Message: "The content pack was not imported: " + err.Error()}
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// syncReviews stores uploaded events idempotently and acknowledges exactly
// those now stored; invalid events are rejected one by one with a reason.
func (s *Server) syncReviews(c echo.Context) error {
	var req wire.SyncRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if len(req.Events) > wire.MaxSyncEvents {
		return server.FieldError("events", "Send at most %d events per request.", wire.MaxSyncEvents)
	}
	ctx := c.Request().Context()
	u := currentUser(c)
	valid := make([]wire.ReviewEvent, 0, len(req.Events))
	resp := wire.SyncResponse{Acked: []string{}}
	for _, ev := range req.Events {
		field, msg, err := s.checkEvent(ctx, ev)
		if err != nil {
			return err
		}
		if msg != "" {
			resp.Rejected = append(resp.Rejected, wire.RejectedEvent{ID: ev.ID, Field: field, Message: msg})
			continue
		}
		ev.AnsweredAt = ev.AnsweredAt.UTC()
		valid = append(valid, ev)
	}
	acked, err := s.store.AppendReviews(ctx, u.ID, valid)
	if err != nil {
		return err
	}
	resp.Acked = append(resp.Acked, acked...)
	if resp.Version, err = s.store.CountReviews(ctx, u.ID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

// checkEvent returns the field and reason an event is invalid, or "" if it
// may be stored.
func (s *Server) checkEvent(ctx context.Context, ev wire.ReviewEvent) (field, msg string, err error) {
	switch {
	case !uuidPattern.MatchString(ev.ID):
		return "id", "An event id is a lower-case UUID.", nil
	case ev.Rating < 1 || ev.Rating > 4:
		return "rating", "A rating is 1 (again) to 4 (easy).", nil
	case ev.AnsweredAt.Year() < 2000:
		return "answered_at", "An event needs the time it was answered (check the device clock).", nil
	case ev.AnsweredAt.After(s.now().Add(24 * time.Hour)):
		return "answered_at", "The answer time is in the future; check the device clock.", nil
	case utf8.RuneCountInString(ev.Answer) > 2000 || len(ev.DeviceID) > 100:
		return "answer", "The answer is too long (2000 characters at most).", nil
	case ev.DurationMS < 0:
		return "duration_ms", "A duration cannot be negative.", nil
	}
	ok, err := s.items.has(ctx, s.store, ev.CourseID, ev.ItemID)
	if err != nil {
		return "", "", err
	}
	if !ok {
		return "item_id", fmt.Sprintf("There is no item %q in course %q.", ev.ItemID, ev.CourseID), nil
	}
	return "", "", nil
}

func (s *Server) listReviews(c echo.Context) error {
	events, err := s.store.Reviews(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	if events == nil {
		events = []wire.ReviewEvent{}
	}
	return c.JSON(http.StatusOK, events)
}

// progress is the caller's own progress in a course (by default the course
// of their first class).
func (s *Server) progress(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	courseID := c.QueryParam("course")
	if courseID == "" {
		classes, err := s.visibleClasses(ctx, u)
		if err != nil {
			return err
		}
		if len(classes) == 0 {
			return server.FieldError("course", "Name a course (?course=ID); you are in no class yet.")
		}
		courseID = classes[0].CourseID
	}
	p, err := s.learnerProgress(ctx, u, courseID, timeLocation(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// learnerProgress derives a learner's progress in one course from their
// review log: the log is the truth, nothing derived is stored.
func (s *Server) learnerProgress(ctx context.Context, u server.User, courseID string, loc *time.Location) (wire.Progress, error) {
	pack, err := s.store.Course(ctx, courseID)
	if err != nil {
		return wire.Progress{}, err
	}
	all, err := s.store.Reviews(ctx, u.ID)
	if err != nil {
		return wire.Progress{}, err
	}
	events := make([]wire.ReviewEvent, 0, len(all))
	for _, ev := range all {
		if ev.CourseID == courseID {
			events = append(events, ev)
		}
	}
	p := learn.Stats(pack.Course, events, s.now(), loc)
	p.UserID, p.Username, p.DisplayName = u.ID, u.Username, u.DisplayName
	return p, nil
}
