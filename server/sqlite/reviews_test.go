package sqlite

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server"
)

func review(id string, at time.Time) api.ReviewEvent {
	return api.ReviewEvent{ID: id, DeviceID: "laptop", CourseID: "en-zh", ItemID: "w-apple",
		Answer: "苹果", Correct: true, Rating: 3, AnsweredAt: at, DurationMS: 1800}
}

func ids(events []api.ReviewEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

func TestAppendReviewsIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	mei := mustCreateUser(t, db, "mei", server.RoleStudent)
	batch := []api.ReviewEvent{review("e1", start), review("e2", start.Add(time.Second)), review("e3", start.Add(2*time.Second))}
	for try := range 2 {
		acked, err := db.AppendReviews(ctx, mei.ID, batch)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(acked, ids(batch)) {
			t.Errorf("upload %d acked %v, want %v", try+1, acked, ids(batch))
		}
	}
	if n, _ := db.CountReviews(ctx, mei.ID); n != 3 {
		t.Errorf("CountReviews = %d after uploading 3 events twice, want 3", n)
	}

	// An overlapping upload, with an ID repeated inside it, acks each ID once.
	more := []api.ReviewEvent{batch[2], review("e4", start), review("e4", start)}
	acked, err := db.AppendReviews(ctx, mei.ID, more)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(acked, []string{"e3", "e4"}) {
		t.Errorf("overlapping upload acked %v, want [e3 e4]", acked)
	}
	if n, _ := db.CountReviews(ctx, mei.ID); n != 4 {
		t.Errorf("CountReviews = %d, want 4", n)
	}

	acked, err = db.AppendReviews(ctx, mei.ID, nil)
	if err != nil || acked == nil || len(acked) != 0 {
		t.Errorf("empty upload = %#v, %v; want an empty, non-nil list", acked, err)
	}
}

func TestReviewsRoundTripInOrder(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	mei := mustCreateUser(t, db, "mei", server.RoleStudent)
	// Times that sort wrongly as variable-width RFC 3339 text (".5Z" < "Z"),
	// a time in another zone, and two events at the same instant, which the
	// ID orders.
	beijing := time.FixedZone("CST", 8*3600)
	events := []api.ReviewEvent{
		review("b", start.Add(500*time.Millisecond)),
		review("c", start),
		review("a", start),
		review("d", start.Add(time.Hour).In(beijing)),
		review("e", start.Add(-time.Nanosecond)),
	}
	events[2].Correct, events[2].Rating, events[2].Answer = false, 1, "apple?"
	if _, err := db.AppendReviews(ctx, mei.ID, events); err != nil {
		t.Fatal(err)
	}
	got, err := db.Reviews(ctx, mei.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"e", "a", "c", "b", "d"}; !reflect.DeepEqual(ids(got), want) {
		t.Fatalf("Reviews order = %v, want %v", ids(got), want)
	}
	byID := map[string]api.ReviewEvent{}
	for _, e := range events {
		byID[e.ID] = e
	}
	for _, g := range got {
		w := byID[g.ID]
		if !g.AnsweredAt.Equal(w.AnsweredAt) || g.AnsweredAt.Location() != time.UTC {
			t.Errorf("review %s answered at %v, want %v in UTC", g.ID, g.AnsweredAt, w.AnsweredAt)
		}
		g.AnsweredAt, w.AnsweredAt = time.Time{}, time.Time{}
		if g != w {
			t.Errorf("review %s = %+v, want %+v", g.ID, g, w)
		}
	}

	empty, err := db.Reviews(ctx, 999)
	if err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("Reviews of a user with none = %#v, %v; want an empty, non-nil list", empty, err)
	}
}

func TestAppendReviewsDoesNotAckOtherUsersIDs(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	mei := mustCreateUser(t, db, "mei", server.RoleStudent)
	bo := mustCreateUser(t, db, "bo", server.RoleStudent)
	if _, err := db.AppendReviews(ctx, mei.ID, []api.ReviewEvent{review("shared", start)}); err != nil {
		t.Fatal(err)
	}
	acked, err := db.AppendReviews(ctx, bo.ID, []api.ReviewEvent{review("shared", start), review("bo1", start)})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(acked, []string{"bo1"}) {
		t.Errorf("bo's upload acked %v, want [bo1]: the id 'shared' is mei's event", acked)
	}
	if n, _ := db.CountReviews(ctx, bo.ID); n != 1 {
		t.Errorf("bo has %d reviews, want 1", n)
	}
	if n, _ := db.CountReviews(ctx, mei.ID); n != 1 {
		t.Errorf("mei has %d reviews, want 1", n)
	}
}

func TestAppendReviewsRefusesBadBatchesWhole(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	mei := mustCreateUser(t, db, "mei", server.RoleStudent)
	good := review("good", start)
	for _, tc := range []struct {
		name, field string
		bad         api.ReviewEvent
	}{
		{"no id", "id", review("", start)},
		{"rating 0", "rating", func() api.ReviewEvent { e := review("r0", start); e.Rating = 0; return e }()},
		{"rating 5", "rating", func() api.ReviewEvent { e := review("r5", start); e.Rating = 5; return e }()},
		{"year 10000", "answered_at", review("y", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))},
	} {
		_, err := db.AppendReviews(ctx, mei.ID, []api.ReviewEvent{good, tc.bad})
		if e := wantCode(t, err, server.EINVALID); e.Field != tc.field {
			t.Errorf("%s: error names field %q, want %q", tc.name, e.Field, tc.field)
		}
	}
	_, err := db.AppendReviews(ctx, 999, []api.ReviewEvent{good})
	wantCode(t, err, server.ENOTFOUND)
	if n, _ := db.CountReviews(ctx, mei.ID); n != 0 {
		t.Errorf("%d reviews stored from refused batches, want 0", n)
	}
}

func TestReviewLogIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	mei := mustCreateUser(t, db, "mei", server.RoleStudent)
	if _, err := db.AppendReviews(ctx, mei.ID, []api.ReviewEvent{review("e1", start)}); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		"UPDATE reviews SET rating = 4 WHERE id = 'e1'",
		"DELETE FROM reviews WHERE id = 'e1'",
	} {
		_, err := db.write.ExecContext(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v; want the append-only error", stmt, err)
		}
	}
	// REPLACE would delete and rewrite the row, an upsert would update it:
	// both are skipped and the first write is kept.
	const rewrite = `INTO reviews (id, user_id, device_id, course_id, item_id, answer,
		correct, rating, answered_at, duration_ms, received_at)
		SELECT id, user_id, device_id, course_id, item_id, answer, correct, 4, answered_at, duration_ms, received_at
		FROM reviews WHERE id = 'e1'`
	for _, stmt := range []string{
		"INSERT OR REPLACE " + rewrite,
		"INSERT " + rewrite + " AND true ON CONFLICT (id) DO UPDATE SET rating = 4",
	} {
		if _, err := db.write.ExecContext(ctx, stmt); err != nil {
			t.Errorf("%s: %v", stmt, err)
		}
	}
	got, _ := db.Reviews(ctx, mei.ID)
	if len(got) != 1 || got[0].Rating != 3 {
		t.Errorf("review log after refused changes = %+v", got)
	}
}

func BenchmarkAppendReviews(b *testing.B) {
	for _, size := range []int{1, 50, 500} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			ctx := context.Background()
			db, _ := mustOpen(b)
			mei := mustCreateUser(b, db, "mei", server.RoleStudent)
			batch := make([]api.ReviewEvent, size)
			b.ResetTimer()
			for n := range b.N {
				for i := range batch {
					batch[i] = review(fmt.Sprintf("%d-%d", n, i), start.Add(time.Duration(i)*time.Second))
				}
				if _, err := db.AppendReviews(ctx, mei.ID, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "reviews/s")
		})
	}
}

// TestConcurrentUploadsAndReads runs uploads and reads at once, as a class
// syncing together does: none may fail with "database is locked", and every
// event is stored once.
func TestConcurrentUploadsAndReads(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	const students, batches, size = 6, 10, 20
	users := make([]server.User, students)
	for i := range users {
		users[i] = mustCreateUser(t, db, fmt.Sprintf("s%d", i), server.RoleStudent)
	}
	errs := make(chan error, 2*students)
	for _, u := range users {
		go func() {
			for b := range batches {
				batch := make([]api.ReviewEvent, size)
				for i := range batch {
					batch[i] = review(fmt.Sprintf("%s-%d-%d", u.Username, b, i), start.Add(time.Duration(i)*time.Second))
				}
				// Every batch is sent twice, as a client retrying after a lost ack.
				for range 2 {
					if _, err := db.AppendReviews(ctx, u.ID, batch); err != nil {
						errs <- err
						return
					}
				}
			}
			errs <- nil
		}()
		go func() {
			for range batches {
				if _, err := db.Reviews(ctx, u.ID); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 2 * students {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range users {
		if n, _ := db.CountReviews(ctx, u.ID); n != batches*size {
			t.Errorf("%s has %d reviews, want %d", u.Username, n, batches*size)
		}
	}
}
