package api

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server"
)

func (s *Server) listUsers(c echo.Context) error {
	users, err := s.store.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]wire.User, 0, len(users))
	for _, u := range users {
		out = append(out, toWireUser(u))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) createUser(c echo.Context) error {
	var req wire.CreateUserRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	req.Username = normalizeUsername(req.Username)
	if err := validateAccount(req.Username, req.Password, req.DisplayName); err != nil {
		return err
	}
	role := server.Role(req.Role)
	if !role.Valid() {
		return server.FieldError("role", "A role is student, teacher or admin.")
	}
	u := server.User{Username: req.Username, DisplayName: orDefault(req.DisplayName, req.Username), Role: role}
	if err := s.addUser(c.Request().Context(), &u, req.Password); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toWireUser(u))
}

func (s *Server) updateUser(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return server.Errorf(server.EINVALID, "A user id is a number; %q is not.", c.Param("id"))
	}
	var req wire.UpdateUserRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := s.store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	if err := applyUserUpdate(&u, req, currentUser(c)); err != nil {
		return err
	}
	if req.Password != nil {
		if err := validateAccount(u.Username, *req.Password, u.DisplayName); err != nil {
			return err
		}
		hash, err := HashPassword(*req.Password)
		if err != nil {
			return err
		}
		if err := s.store.SetPassword(ctx, u.ID, hash); err != nil {
			return err
		}
	}
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	if u.Disabled || req.Password != nil {
		// A disabled account or a reset password ends every open session.
		if err := s.store.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, toWireUser(u))
}

func applyUserUpdate(u *server.User, req wire.UpdateUserRequest, by server.User) error {
	if req.DisplayName != nil {
		name := strings.TrimSpace(*req.DisplayName)
		if name == "" || utf8.RuneCountInString(name) > 64 {
			return server.FieldError("display_name", "A display name has 1 to 64 characters.")
		}
		u.DisplayName = name
	}
	if req.Role != nil {
		role := server.Role(*req.Role)
		if !role.Valid() {
			return server.FieldError("role", "A role is student, teacher or admin.")
		}
		if u.ID == by.ID && role != server.RoleAdmin {
			return server.FieldError("role", "You cannot take away your own admin role; ask another admin.")
		}
		u.Role = role
	}
	if req.Disabled != nil {
		if u.ID == by.ID && *req.Disabled {
			return server.FieldError("disabled", "You cannot disable your own account.")
		}
		u.Disabled = *req.Disabled
	}
	return nil
}
