package api

import (
	"context"
	"crypto/rand"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server"
)

// joinCodeAlphabet leaves out letters and digits that are easy to confuse
// when read aloud or copied from a board (0/O, 1/I/L).
const joinCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

const joinCodeLength = 8

func newJoinCode() (string, error) {
	b := make([]byte, joinCodeLength)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(joinCodeAlphabet))))
		if err != nil {
			return "", err
		}
		b[i] = joinCodeAlphabet[n.Int64()]
	}
	return string(b), nil
}

// normalizeJoinCode accepts codes typed in lower case, with spaces or dashes.
func normalizeJoinCode(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

func (s *Server) classByCode(ctx context.Context, code string) (server.Class, error) {
	code = normalizeJoinCode(code)
	if len(code) != joinCodeLength {
		return server.Class{}, server.FieldError("join_code", "A join code has %d letters and digits; ask your teacher for it.", joinCodeLength)
	}
	class, err := s.store.ClassByJoinCode(ctx, code)
	if server.ErrorCode(err) == server.ENOTFOUND {
		return server.Class{}, &server.Error{Code: server.ENOTFOUND, Field: "join_code", Message: "No class has this join code; check it with your teacher."}
	}
	return class, err
}

func (s *Server) joinClass(c echo.Context) error {
	var req wire.JoinRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	u := currentUser(c)
	if u.Role != server.RoleStudent {
		return server.Errorf(server.EFORBIDDEN, "Only students join classes with a code.")
	}
	ctx := c.Request().Context()
	class, err := s.classByCode(ctx, req.JoinCode)
	if err != nil {
		return err
	}
	if err := s.store.AddMember(ctx, class.ID, u.ID); err != nil {
		return err
	}
	wc, err := s.wireClass(ctx, class, false)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wc)
}

// visibleClasses lists the classes a user may see: a teacher's own, all for
// an admin, the joined ones for a student (without their join codes).
func (s *Server) visibleClasses(ctx context.Context, u server.User) ([]wire.Class, error) {
	var classes []server.Class
	var err error
	switch u.Role {
	case server.RoleAdmin:
		classes, err = s.store.ListClasses(ctx)
	case server.RoleTeacher:
		classes, err = s.store.ClassesByTeacher(ctx, u.ID)
	default:
		classes, err = s.store.ClassesOfStudent(ctx, u.ID)
	}
	if err != nil {
		return nil, err
	}
	out := make([]wire.Class, 0, len(classes))
	for _, cl := range classes {
		wc, err := s.wireClass(ctx, cl, u.Role != server.RoleStudent)
		if err != nil {
			return nil, err
		}
		out = append(out, wc)
	}
	return out, nil
}

func (s *Server) wireClass(ctx context.Context, cl server.Class, withCode bool) (wire.Class, error) {
	members, err := s.store.Members(ctx, cl.ID)
	if err != nil {
		return wire.Class{}, err
	}
	wc := wire.Class{ID: cl.ID, Name: cl.Name, CourseID: cl.CourseID, TeacherID: cl.TeacherID, Members: len(members)}
	if t, err := s.store.UserByID(ctx, cl.TeacherID); err == nil {
		wc.TeacherName = t.DisplayName
	}
	if withCode {
		wc.JoinCode = cl.JoinCode
	}
	return wc, nil
}

func (s *Server) listClasses(c echo.Context) error {
	classes, err := s.visibleClasses(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, classes)
}

func (s *Server) createClass(c echo.Context) error {
	var req wire.CreateClassRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || utf8.RuneCountInString(req.Name) > 80 {
		return server.FieldError("name", "A class name has 1 to 80 characters.")
	}
	ctx := c.Request().Context()
	if _, err := s.store.Course(ctx, req.CourseID); server.ErrorCode(err) == server.ENOTFOUND {
		return server.FieldError("course_id", "There is no course %q; pick one from the course list.", req.CourseID)
	} else if err != nil {
		return err
	}
	cl := server.Class{Name: req.Name, TeacherID: currentUser(c).ID, CourseID: req.CourseID}
	var err error
	for range 5 { // a join-code collision is rare; try a few fresh codes
		if cl.JoinCode, err = newJoinCode(); err != nil {
			return err
		}
		if err = s.store.CreateClass(ctx, &cl); server.ErrorCode(err) != server.ECONFLICT {
			break
		}
	}
	if err != nil {
		return err
	}
	wc, err := s.wireClass(ctx, cl, true)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, wc)
}

// ownedClass loads a class the current user teaches (or any, for an admin).
func (s *Server) ownedClass(c echo.Context) (server.Class, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return server.Class{}, server.Errorf(server.EINVALID, "A class id is a number; %q is not.", c.Param("id"))
	}
	cl, err := s.store.ClassByID(c.Request().Context(), id)
	if err != nil {
		return server.Class{}, err
	}
	u := currentUser(c)
	if u.Role != server.RoleAdmin && cl.TeacherID != u.ID {
		// Same answer as a missing class: a teacher learns nothing about other classes.
		return server.Class{}, server.Errorf(server.ENOTFOUND, "No class %d among yours.", id)
	}
	return cl, nil
}

func (s *Server) classProgress(c echo.Context) error {
	cl, err := s.ownedClass(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	pack, err := s.store.Course(ctx, cl.CourseID)
	if err != nil {
		return err
	}
	members, err := s.store.Members(ctx, cl.ID)
	if err != nil {
		return err
	}
	wc, err := s.wireClass(ctx, cl, true)
	if err != nil {
		return err
	}
	out := wire.ClassProgress{Class: wc, Students: []wire.Progress{}}
	for _, m := range members {
		p, err := s.learnerProgress(ctx, m, pack.Course.ID, timeLocation(c))
		if err != nil {
			return err
		}
		out.Students = append(out.Students, p)
	}
	return c.JSON(http.StatusOK, out)
}

// timeLocation is the zone in which days (for streaks) are counted.
func timeLocation(c echo.Context) *time.Location {
	if tz := c.QueryParam("tz"); tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	return time.Local
}
