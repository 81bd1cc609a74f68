package sqlite

import (
	"context"
	"testing"

	"github.com/tutor-dev/tutor/server"
)

func TestCreateUserAndLookUp(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	u := server.User{Username: "Li.Wei", DisplayName: "李伟", Role: server.RoleStudent}
	if err := db.CreateUser(ctx, &u, "h1"); err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || !u.CreatedAt.Equal(start) || u.Username != "li.wei" {
		t.Errorf("after CreateUser: %+v; want an ID, CreatedAt %v and the lower-case username", u, start)
	}
	got, err := db.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got != u {
		t.Errorf("UserByID = %+v, want %+v", got, u)
	}
	for _, name := range []string{"li.wei", "LI.WEI", "Li.Wei"} {
		cu, hash, err := db.UserCredentials(ctx, name)
		if err != nil {
			t.Fatalf("UserCredentials(%q): %v", name, err)
		}
		if cu != u || hash != "h1" {
			t.Errorf("UserCredentials(%q) = %+v, %q", name, cu, hash)
		}
	}
}

func TestCreateUserConflictsAndBadInput(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	mustCreateUser(t, db, "ana", server.RoleTeacher)
	dup := server.User{Username: "ANA", Role: server.RoleStudent}
	e := wantCode(t, db.CreateUser(ctx, &dup, "h"), server.ECONFLICT)
	if e.Field != "username" || e.Message != "That username is taken; choose another." {
		t.Errorf("duplicate username error = %+v", e)
	}
	if dup.ID != 0 {
		t.Error("a refused user got an ID")
	}
	wantCode(t, db.CreateUser(ctx, &server.User{Username: " ", Role: server.RoleStudent}, "h"), server.EINVALID)
	wantCode(t, db.CreateUser(ctx, &server.User{Username: "bo", Role: "root"}, "h"), server.EINVALID)
	if n, _ := db.CountUsers(ctx); n != 1 {
		t.Errorf("%d users after refused creations, want 1", n)
	}
}

func TestUserNotFound(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	_, err := db.UserByID(ctx, 42)
	wantCode(t, err, server.ENOTFOUND)
	_, _, err = db.UserCredentials(ctx, "nobody")
	wantCode(t, err, server.ENOTFOUND)
	wantCode(t, db.UpdateUser(ctx, server.User{ID: 42, Role: server.RoleStudent}), server.ENOTFOUND)
	wantCode(t, db.SetPassword(ctx, 42, "h"), server.ENOTFOUND)
}

func TestListUpdateCountUsers(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	if n, err := db.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers on a new database = %d, %v", n, err)
	}
	users, err := db.ListUsers(ctx)
	if err != nil || users == nil || len(users) != 0 {
		t.Fatalf("ListUsers on a new database = %#v, %v; want an empty, non-nil list", users, err)
	}
	mustCreateUser(t, db, "zoe", server.RoleStudent)
	bo := mustCreateUser(t, db, "bo", server.RoleStudent)
	mustCreateUser(t, db, "mia", server.RoleAdmin)

	users, err = db.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Username)
	}
	if got := len(names); got != 3 || names[0] != "bo" || names[1] != "mia" || names[2] != "zoe" {
		t.Errorf("ListUsers order = %v, want [bo mia zoe]", names)
	}

	bo.Role, bo.DisplayName, bo.Disabled = server.RoleTeacher, "Bo", true
	bo.Username = "renamed" // UpdateUser must not change the username
	if err := db.UpdateUser(ctx, bo); err != nil {
		t.Fatal(err)
	}
	got, _ := db.UserByID(ctx, bo.ID)
	if got.Role != server.RoleTeacher || got.DisplayName != "Bo" || !got.Disabled || got.Username != "bo" {
		t.Errorf("after UpdateUser: %+v", got)
	}
	wantCode(t, db.UpdateUser(ctx, server.User{ID: bo.ID, Role: "god"}), server.EINVALID)

	if err := db.SetPassword(ctx, bo.ID, "new-hash"); err != nil {
		t.Fatal(err)
	}
	if _, hash, _ := db.UserCredentials(ctx, "bo"); hash != "new-hash" {
		t.Errorf("password hash after SetPassword = %q", hash)
	}
	if n, _ := db.CountUsers(ctx); n != 3 {
		t.Errorf("CountUsers = %d, want 3", n)
	}
}
