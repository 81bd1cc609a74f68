package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server"
)

// The review log is append-only: there is no UPDATE or DELETE of reviews
// here, and triggers in the schema refuse both and keep the first write of an
// ID against INSERT OR REPLACE.

// AppendReviews stores a user's events in one transaction, skipping IDs
// already stored, and returns, in input order and once each, the IDs now
// stored for this user: the new ones and the ones stored before. An ID that
// is stored for a different user is not this user's event and is left out.
func (db *DB) AppendReviews(ctx context.Context, userID int64, events []api.ReviewEvent) ([]string, error) {
	for _, e := range events {
		if err := checkReview(e); err != nil {
			return nil, err
		}
	}
	acked := make([]string, 0, len(events))
	if len(events) == 0 {
		return acked, nil
	}
	received := formatTime(db.now())
	err := db.inTx(ctx, "append reviews", func(tx *sql.Tx) error {
		insert, err := tx.PrepareContext(ctx, `INSERT INTO reviews
			(id, user_id, device_id, course_id, item_id, answer, correct, rating, answered_at, duration_ms, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`)
		if err != nil {
			return fmt.Errorf("sqlite: append reviews: %w", err)
		}
		defer insert.Close()
		owner, err := tx.PrepareContext(ctx, "SELECT user_id FROM reviews WHERE id = ?")
		if err != nil {
			return fmt.Errorf("sqlite: append reviews: %w", err)
		}
		defer owner.Close()
		seen := make(map[string]bool, len(events))
		for _, e := range events {
			ok, err := appendReview(ctx, insert, owner, userID, e, received)
			if err != nil {
				return err
			}
			if ok && !seen[e.ID] {
				seen[e.ID] = true
				acked = append(acked, e.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return acked, nil
}

// appendReview inserts one event unless its ID is stored, and reports
// whether the ID is now stored as this user's.
func appendReview(ctx context.Context, insert, owner *sql.Stmt, userID int64, e api.ReviewEvent, received string) (bool, error) {
	res, err := insert.ExecContext(ctx, e.ID, userID, e.DeviceID, e.CourseID, e.ItemID, e.Answer,
		e.Correct, e.Rating, formatTime(e.AnsweredAt), e.DurationMS, received)
	if isForeignKey(err) {
		return false, userNotFound(userID)
	}
	if err != nil {
		return false, fmt.Errorf("sqlite: append review %s: %w", e.ID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		return true, nil
	}
	var storedFor int64
	if err := owner.QueryRowContext(ctx, e.ID).Scan(&storedFor); err != nil {
		return false, fmt.Errorf("sqlite: owner of review %s: %w", e.ID, err)
	}
	return storedFor == userID, nil
}

// checkReview refuses an event the log cannot keep faithfully. Other checks
// (known course and item, sensible times) belong to the caller, which can
// reject one event and keep the rest.
func checkReview(e api.ReviewEvent) error {
	switch {
	case e.ID == "":
		return server.FieldError("id", "A review event has no ID; every event needs its own UUID.")
	case e.Rating < 1 || e.Rating > 4:
		return server.FieldError("rating", "Review %s has rating %d; use 1 (again), 2 (hard), 3 (good) or 4 (easy).", e.ID, e.Rating)
	case !storableTime(e.AnsweredAt):
		return server.FieldError("answered_at", "Review %s was answered in year %d; times must fall in the years 0 to 9999.", e.ID, e.AnsweredAt.Year())
	}
	return nil
}

// Reviews returns a user's review log ordered by (answered_at, id), so that
// replaying it gives the same learner state every time. Times are in UTC.
func (db *DB) Reviews(ctx context.Context, userID int64) ([]api.ReviewEvent, error) {
	return queryAll(ctx, db, fmt.Sprintf("reviews of user %d", userID), scanReview, `SELECT id, device_id, course_id, item_id, answer, correct,
		rating, answered_at, duration_ms FROM reviews WHERE user_id = ? ORDER BY answered_at, id`, userID)
}

func scanReview(row rowScanner) (api.ReviewEvent, error) {
	var e api.ReviewEvent
	var answered string
	err := row.Scan(&e.ID, &e.DeviceID, &e.CourseID, &e.ItemID, &e.Answer, &e.Correct,
		&e.Rating, &answered, &e.DurationMS)
	if err != nil {
		return api.ReviewEvent{}, err
	}
	e.AnsweredAt, err = parseTime(answered)
	return e, err
}

// CountReviews returns how many reviews a user has stored; the sync
// protocol reports it as the log's version.
func (db *DB) CountReviews(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM reviews WHERE user_id = ?", userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlite: count reviews of user %d: %w", userID, err)
	}
	return n, nil
}
