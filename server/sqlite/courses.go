package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tutor-dev/tutor/app/course"
	"github.com/tutor-dev/tutor/server"
)

// ImportCourse stores a pack whole, replacing the course with the same ID.
// Validating the pack is the caller's job (course validation names the item
// and field at fault); the store only refuses a pack without a course ID.
func (db *DB) ImportCourse(ctx context.Context, p course.Pack) error {
	c := &p.Course
	if strings.TrimSpace(c.ID) == "" {
		return server.FieldError("course.id", "The course has no ID; give it one in the pack.")
	}
	blob, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("sqlite: encode course %q: %w", c.ID, err)
	}
	sum := c.Summarize()
	return db.inTx(ctx, "import course "+c.ID, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO courses
			(id, title, target_lang, source_lang, description, units, items, pack, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET title = excluded.title, target_lang = excluded.target_lang,
				source_lang = excluded.source_lang, description = excluded.description,
				units = excluded.units, items = excluded.items, pack = excluded.pack,
				updated_at = excluded.updated_at`,
			sum.ID, sum.Title, sum.TargetLang, sum.SourceLang, sum.Description,
			sum.Units, sum.Items, blob, formatTime(db.now()))
		if err != nil {
			return fmt.Errorf("sqlite: import course %q: %w", c.ID, err)
		}
		return nil
	})
}

// Course returns the stored pack of a course, or ENOTFOUND.
func (db *DB) Course(ctx context.Context, id string) (course.Pack, error) {
	var blob []byte
	err := db.read.QueryRowContext(ctx, "SELECT pack FROM courses WHERE id = ?", id).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return course.Pack{}, server.Errorf(server.ENOTFOUND, "No course with ID %q; an administrator can import it.", id)
	}
	if err != nil {
		return course.Pack{}, fmt.Errorf("sqlite: course %q: %w", id, err)
	}
	var p course.Pack
	if err := json.Unmarshal(blob, &p); err != nil {
		return course.Pack{}, fmt.Errorf("sqlite: stored course %q is damaged; import it again: %w", id, err)
	}
	return p, nil
}

// ListCourses returns a summary of every course, by title.
func (db *DB) ListCourses(ctx context.Context) ([]course.Summary, error) {
	return queryAll(ctx, db, "list courses", scanSummary, `SELECT id, title, target_lang, source_lang, description, units, items
		FROM courses ORDER BY title, id`)
}

func scanSummary(row rowScanner) (course.Summary, error) {
	var s course.Summary
	err := row.Scan(&s.ID, &s.Title, &s.TargetLang, &s.SourceLang, &s.Description, &s.Units, &s.Items)
	return s, err
}
