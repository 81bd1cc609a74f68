package sqlite

import (
	"context"
	"testing"

	"github.com/tutor-dev/tutor/server"
)

func mustCreateClass(t *testing.T, db *DB, name, code string, teacher int64) server.Class {
	t.Helper()
	c := server.Class{Name: name, TeacherID: teacher, CourseID: "en-zh", JoinCode: code}
	if err := db.CreateClass(context.Background(), &c); err != nil {
		t.Fatalf("create class %s: %v", name, err)
	}
	return c
}

func TestClasses(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	ana := mustCreateUser(t, db, "ana", server.RoleTeacher)
	ben := mustCreateUser(t, db, "ben", server.RoleTeacher)
	b := mustCreateClass(t, db, "Grade 8 B", "BBBB22", ana.ID)
	a := mustCreateClass(t, db, "Grade 8 A", "AAAA11", ana.ID)
	c := mustCreateClass(t, db, "Evening", "CCCC33", ben.ID)
	if a.ID == 0 || !a.CreatedAt.Equal(start) {
		t.Errorf("CreateClass did not set ID and CreatedAt: %+v", a)
	}

	got, err := db.ClassByID(ctx, a.ID)
	if err != nil || got != a {
		t.Errorf("ClassByID = %+v, %v; want %+v", got, err, a)
	}
	got, err = db.ClassByJoinCode(ctx, "aaaa11")
	if err != nil || got != a {
		t.Errorf("ClassByJoinCode in lower case = %+v, %v; want %+v", got, err, a)
	}
	_, err = db.ClassByID(ctx, 999)
	wantCode(t, err, server.ENOTFOUND)
	_, err = db.ClassByJoinCode(ctx, "NOPE")
	wantCode(t, err, server.ENOTFOUND)

	dup := server.Class{Name: "Copy", TeacherID: ben.ID, JoinCode: "aaaa11"}
	e := wantCode(t, db.CreateClass(ctx, &dup), server.ECONFLICT)
	if e.Field != "join_code" {
		t.Errorf("duplicate join code error names field %q, want join_code", e.Field)
	}
	wantCode(t, db.CreateClass(ctx, &server.Class{Name: "Orphan", TeacherID: 999, JoinCode: "ZZZZ99"}), server.ENOTFOUND)
	wantCode(t, db.CreateClass(ctx, &server.Class{Name: "No code", TeacherID: ana.ID}), server.EINVALID)

	list, err := db.ListClasses(ctx)
	wantClasses(t, "ListClasses", list, err, c, a, b)
	list, err = db.ClassesByTeacher(ctx, ana.ID)
	wantClasses(t, "ClassesByTeacher(ana)", list, err, a, b)
	list, err = db.ClassesByTeacher(ctx, 999)
	wantClasses(t, "ClassesByTeacher(nobody)", list, err)
}

func TestMembers(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	ana := mustCreateUser(t, db, "ana", server.RoleTeacher)
	zoe := mustCreateUser(t, db, "zoe", server.RoleStudent)
	bo := mustCreateUser(t, db, "bo", server.RoleStudent)
	a := mustCreateClass(t, db, "A", "AAAA11", ana.ID)
	b := mustCreateClass(t, db, "B", "BBBB22", ana.ID)

	for _, m := range [][2]int64{{a.ID, zoe.ID}, {a.ID, bo.ID}, {a.ID, bo.ID}, {b.ID, bo.ID}} {
		if err := db.AddMember(ctx, m[0], m[1]); err != nil {
			t.Fatalf("AddMember%v: %v", m, err)
		}
	}
	members, err := db.Members(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 2 || members[0] != bo || members[1] != zoe {
		t.Errorf("Members(A) = %+v, want [bo zoe] once each", members)
	}
	list, err := db.ClassesOfStudent(ctx, bo.ID)
	wantClasses(t, "ClassesOfStudent(bo)", list, err, a, b)
	list, err = db.ClassesOfStudent(ctx, ana.ID)
	wantClasses(t, "ClassesOfStudent(ana)", list, err)

	wantCode(t, db.AddMember(ctx, 999, bo.ID), server.ENOTFOUND)
	wantCode(t, db.AddMember(ctx, a.ID, 999), server.ENOTFOUND)
	_, err = db.Members(ctx, 999)
	wantCode(t, err, server.ENOTFOUND)
}

func TestSignUpStudent(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	ana := mustCreateUser(t, db, "ana", server.RoleTeacher)
	a := mustCreateClass(t, db, "A", "AAAA11", ana.ID)

	u := server.User{Username: "Mei", DisplayName: "梅", Role: server.RoleAdmin}
	if err := db.SignUpStudent(ctx, &u, "h", a.ID); err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Role != server.RoleStudent || u.Username != "mei" {
		t.Errorf("after SignUpStudent: %+v; want an ID, role student, username mei", u)
	}
	members, err := db.Members(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 1 || members[0] != u {
		t.Errorf("Members = %+v, want [%+v]", members, u)
	}

	// Neither half happens when either fails.
	taken := server.User{Username: "ANA"}
	e := wantCode(t, db.SignUpStudent(ctx, &taken, "h", a.ID), server.ECONFLICT)
	if e.Field != "username" {
		t.Errorf("taken username error names field %q", e.Field)
	}
	lost := server.User{Username: "newbie"}
	wantCode(t, db.SignUpStudent(ctx, &lost, "h", 999), server.ENOTFOUND)
	if lost.ID != 0 {
		t.Error("a refused sign-up set the user's ID")
	}
	if _, _, err := db.UserCredentials(ctx, "newbie"); server.ErrorCode(err) != server.ENOTFOUND {
		t.Errorf("sign-up to a missing class left a user behind: %v", err)
	}
	if n, _ := db.CountUsers(ctx); n != 2 {
		t.Errorf("%d users, want 2 (ana, mei)", n)
	}
}

func wantClasses(t *testing.T, what string, got []server.Class, err error, want ...server.Class) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if got == nil {
		t.Errorf("%s returned nil; want a non-nil list", what)
	}
	if len(got) != len(want) {
		t.Fatalf("%s = %+v, want %+v", what, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s[%d] = %+v, want %+v", what, i, got[i], want[i])
		}
	}
}
