package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tutor-dev/tutor/server"
)

const classColumns = "c.id, c.name, c.teacher_id, c.course_id, c.join_code, c.created_at"

func classNotFound(id int64) error {
	return server.Errorf(server.ENOTFOUND, "No class with ID %d.", id)
}

// CreateClass stores a class and sets c.ID and c.CreatedAt. A join code
// already in use (in any case) is ECONFLICT.
func (db *DB) CreateClass(ctx context.Context, c *server.Class) error {
	if strings.TrimSpace(c.Name) == "" {
		return server.FieldError("name", "Give the class a name.")
	}
	if strings.TrimSpace(c.JoinCode) == "" {
		return server.FieldError("join_code", "A class needs a join code.")
	}
	created := db.now()
	var id int64
	err := db.inTx(ctx, "create class", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO classes
			(name, teacher_id, course_id, join_code, created_at) VALUES (?, ?, ?, ?, ?)`,
			c.Name, c.TeacherID, c.CourseID, c.JoinCode, formatTime(created))
		switch {
		case isUnique(err):
			return &server.Error{Code: server.ECONFLICT, Field: "join_code",
				Message: "That join code is already used by another class; choose another."}
		case isForeignKey(err):
			return userNotFound(c.TeacherID)
		case err != nil:
			return fmt.Errorf("sqlite: create class %q: %w", c.Name, err)
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return err
	}
	c.ID, c.CreatedAt = id, created
	return nil
}

// ClassByID returns the class with that ID, or ENOTFOUND.
func (db *DB) ClassByID(ctx context.Context, id int64) (server.Class, error) {
	row := db.read.QueryRowContext(ctx, "SELECT "+classColumns+" FROM classes c WHERE c.id = ?", id)
	c, err := scanClass(row)
	if errors.Is(err, sql.ErrNoRows) {
		return server.Class{}, classNotFound(id)
	}
	if err != nil {
		return server.Class{}, fmt.Errorf("sqlite: class %d: %w", id, err)
	}
	return c, nil
}

// ClassByJoinCode returns the class with that join code, in any case, or
// ENOTFOUND.
func (db *DB) ClassByJoinCode(ctx context.Context, code string) (server.Class, error) {
	row := db.read.QueryRowContext(ctx, "SELECT "+classColumns+" FROM classes c WHERE c.join_code = ?", code)
	c, err := scanClass(row)
	if errors.Is(err, sql.ErrNoRows) {
		return server.Class{}, server.Errorf(server.ENOTFOUND, "No class has the join code %q; check the code with your teacher.", code)
	}
	if err != nil {
		return server.Class{}, fmt.Errorf("sqlite: class with join code %q: %w", code, err)
	}
	return c, nil
}

// ListClasses returns every class by name.
func (db *DB) ListClasses(ctx context.Context) ([]server.Class, error) {
	return db.queryClasses(ctx, "list classes",
		"SELECT "+classColumns+" FROM classes c ORDER BY c.name, c.id")
}

// ClassesByTeacher returns the classes a teacher runs, by name.
func (db *DB) ClassesByTeacher(ctx context.Context, teacherID int64) ([]server.Class, error) {
	return db.queryClasses(ctx, "classes of teacher",
		"SELECT "+classColumns+" FROM classes c WHERE c.teacher_id = ? ORDER BY c.name, c.id", teacherID)
}

// ClassesOfStudent returns the classes a student belongs to, by name.
func (db *DB) ClassesOfStudent(ctx context.Context, studentID int64) ([]server.Class, error) {
	return db.queryClasses(ctx, "classes of student",
		"SELECT "+classColumns+` FROM classes c JOIN class_members m ON m.class_id = c.id
		WHERE m.user_id = ? ORDER BY c.name, c.id`, studentID)
}

// AddMember puts a student in a class; adding a member again changes
// nothing.
func (db *DB) AddMember(ctx context.Context, classID, studentID int64) error {
	return db.inTx(ctx, "add member", func(tx *sql.Tx) error {
		return addMember(ctx, tx, classID, studentID)
	})
}

// addMember checks both rows first so that the error names the missing one;
// a bare foreign key failure would not say which.
func addMember(ctx context.Context, tx *sql.Tx, classID, studentID int64) error {
	if err := mustExist(ctx, tx, "SELECT 1 FROM classes WHERE id = ?", classID, classNotFound(classID)); err != nil {
		return err
	}
	if err := mustExist(ctx, tx, "SELECT 1 FROM users WHERE id = ?", studentID, userNotFound(studentID)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO class_members (class_id, user_id) VALUES (?, ?)
		ON CONFLICT DO NOTHING`, classID, studentID)
	if err != nil {
		return fmt.Errorf("sqlite: add user %d to class %d: %w", studentID, classID, err)
	}
	return nil
}

// mustExist returns notFound when query, given id, selects no row.
func mustExist(ctx context.Context, tx *sql.Tx, query string, id int64, notFound error) error {
	var one int
	err := tx.QueryRowContext(ctx, query, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound
	}
	if err != nil {
		return fmt.Errorf("sqlite: check %d exists: %w", id, err)
	}
	return nil
}

// Members returns the users in a class by username; ENOTFOUND if the class
// does not exist.
func (db *DB) Members(ctx context.Context, classID int64) ([]server.User, error) {
	if _, err := db.ClassByID(ctx, classID); err != nil {
		return nil, err
	}
	return db.queryUsers(ctx, "class members", "SELECT "+prefixed("u.", userColumns)+` FROM users u
		JOIN class_members m ON m.user_id = u.id WHERE m.class_id = ? ORDER BY u.username`, classID)
}

// SignUpStudent creates a student account (whatever u.Role says) and makes
// it a member of the class in one transaction. It sets u.ID, u.CreatedAt,
// u.Username and u.Role only when both have happened.
func (db *DB) SignUpStudent(ctx context.Context, u *server.User, passwordHash string, classID int64) error {
	student := *u
	student.Role = server.RoleStudent
	err := db.inTx(ctx, "sign up student", func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "SELECT 1 FROM classes WHERE id = ?", classID, classNotFound(classID)); err != nil {
			return err
		}
		if err := db.insertUser(ctx, tx, &student, passwordHash); err != nil {
			return err
		}
		return addMember(ctx, tx, classID, student.ID)
	})
	if err != nil {
		return err
	}
	*u = student
	return nil
}

// queryClasses runs a query selecting classColumns and collects the rows.
func (db *DB) queryClasses(ctx context.Context, what, query string, args ...any) ([]server.Class, error) {
	return queryAll(ctx, db, what, scanClass, query, args...)
}

func scanClass(row rowScanner) (server.Class, error) {
	var c server.Class
	var created string
	if err := row.Scan(&c.ID, &c.Name, &c.TeacherID, &c.CourseID, &c.JoinCode, &created); err != nil {
		return server.Class{}, err
	}
	var err error
	c.CreatedAt, err = parseTime(created)
	return c, err
}

// prefixed qualifies each column in a comma-separated list with prefix.
func prefixed(prefix, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = prefix + c
	}
	return strings.Join(cols, ", ")
}
