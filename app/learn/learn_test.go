package learn

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/app/course"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func testCourse(items int) course.Course {
	c := course.Course{ID: "c1", Title: "Test"}
	for u := 0; u < 2; u++ {
		unit := course.Unit{ID: fmt.Sprintf("u%d", u+1), Title: fmt.Sprintf("Unit %d", u+1)}
		l := course.Lesson{ID: fmt.Sprintf("u%d.l1", u+1), Title: "Lesson"}
		for i := 0; i < items/2; i++ {
			l.Items = append(l.Items, course.Item{ID: fmt.Sprintf("i%d", u*items/2+i), Kind: course.KindVocab})
		}
		unit.Lessons = []course.Lesson{l}
		c.Units = append(c.Units, unit)
	}
	return c
}

func event(n int, item string, at time.Time, rating int) api.ReviewEvent {
	return api.ReviewEvent{ID: fmt.Sprintf("ev-%03d", n), CourseID: "c1", ItemID: item,
		AnsweredAt: at, Rating: rating, Correct: rating > 1}
}

func TestDeriveIsDeterministicUnderShuffling(t *testing.T) {
	var log []api.ReviewEvent
	ratings := []int{3, 1, 3, 4, 2, 3}
	for i := 0; i < 60; i++ {
		item := fmt.Sprintf("i%d", i%5)
		at := t0.Add(time.Duration(i*i) * 37 * time.Minute)
		if i%7 == 0 && i > 0 {
			at = log[i-1].AnsweredAt // equal times: the ID breaks the tie
		}
		log = append(log, event(i, item, at, ratings[i%len(ratings)]))
	}
	want := Derive(log)
	if len(want) != 5 {
		t.Fatalf("Derive gave %d cards, want 5", len(want))
	}
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 20; trial++ {
		shuffled := append([]api.ReviewEvent(nil), log...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		shuffled = append(shuffled, shuffled[:7]...) // re-uploaded duplicates count once
		if got := Derive(shuffled); !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d: a shuffled log gives a different state", trial)
		}
	}
}

func TestDeriveSkipsInvalidRatings(t *testing.T) {
	log := []api.ReviewEvent{event(1, "i0", t0, 3), event(2, "i0", t0.Add(time.Hour), 0),
		event(3, "i0", t0.Add(2*time.Hour), 7), event(4, "i1", t0, -1)}
	cards := Derive(log)
	if len(cards) != 1 || cards[Key("c1", "i0")].Reviews != 1 {
		t.Fatalf("cards = %+v, want one card with one review", cards)
	}
}

func TestDueAfterInterval(t *testing.T) {
	// Easy on a new card graduates it with an interval of days.
	cards := Derive([]api.ReviewEvent{event(1, "i0", t0, 4)})
	st := cards[Key("c1", "i0")]
	if st.Due(t0.Add(time.Hour)) {
		t.Fatal("an item answered Easy must not be due an hour later")
	}
	interval := st.Card.Due.Sub(t0)
	if interval < 24*time.Hour {
		t.Fatalf("interval after Easy = %v, want at least a day", interval)
	}
	if !st.Due(st.Card.Due) || !st.Due(st.Card.Due.Add(time.Hour)) {
		t.Fatal("the item must be due once its interval has passed")
	}
	// Again brings it back within minutes.
	cards = Derive([]api.ReviewEvent{event(1, "i0", t0, 4), event(2, "i0", st.Card.Due, 1)})
	if again := cards[Key("c1", "i0")]; again.Card.Due.Sub(st.Card.Due) > time.Hour || again.Learned() {
		t.Fatalf("after Again: due %v, learned %v", again.Card.Due, again.Learned())
	}
}

func TestNextOrdering(t *testing.T) {
	c := testCourse(30)
	log := []api.ReviewEvent{
		event(1, "i3", t0, 1),                    // relearning, due in minutes
		event(2, "i5", t0.Add(-48*time.Hour), 3), // due long ago
		event(3, "i1", t0.Add(-2*time.Hour), 3),  // learning step passed
		event(4, "i2", t0, 4),                    // not due for days
	}
	now := t0.Add(30 * time.Minute)
	got := ids(Next(c, Derive(log), now, 100))
	want := []string{"i5", "i1", "i3", "i0", "i4", "i6", "i7", "i8", "i9", "i10", "i11", "i12", "i13"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Next = %v\nwant   %v (due by age, then at most %d new in course order)", got, want, NewPerSession)
	}
	if got := ids(Next(c, Derive(log), now, 2)); !reflect.DeepEqual(got, []string{"i5", "i1"}) {
		t.Fatalf("Next with limit 2 = %v", got)
	}
	if got := Next(c, nil, now, 0); len(got) != 0 {
		t.Fatalf("limit 0 gave %v", got)
	}
}

func ids(items []course.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func TestStreakAcrossDays(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, shanghai) }
	log := []api.ReviewEvent{
		event(1, "i0", day(1, 10), 3), event(2, "i0", day(2, 23), 3), event(3, "i1", day(3, 1), 3),
		event(4, "i1", day(3, 8), 3), event(5, "i2", day(4, 7), 3), event(6, "i2", day(6, 7), 3),
	}
	for _, tc := range []struct {
		now  time.Time
		want int
	}{
		{day(4, 20), 4}, // 1,2,3,4 — today counts
		{day(5, 20), 4}, // nothing yet today: the streak still ends yesterday
		{day(6, 20), 1}, // 5 was missed
		{day(8, 9), 0},  // yesterday (7) was missed
	} {
		if got := Streak(log, tc.now, shanghai); got != tc.want {
			t.Errorf("Streak at %v = %d, want %d", tc.now, got, tc.want)
		}
	}
	// 2 March 23:00 in Shanghai is 15:00 UTC; 3 March 01:00 is 2 March 17:00
	// UTC: in UTC days 2 and 3 merge, so the same log gives a shorter streak.
	if got := Streak(log, day(4, 20), time.UTC); got != 3 {
		t.Errorf("Streak in UTC = %d, want 3", got)
	}
}

func TestStats(t *testing.T) {
	c := testCourse(10)
	log := []api.ReviewEvent{
		event(1, "i0", t0, 4), event(2, "i1", t0, 3), event(3, "i1", t0.Add(time.Minute), 1),
		event(4, "i7", t0, 3),
		{ID: "other", CourseID: "c2", ItemID: "i0", AnsweredAt: t0, Rating: 3, Correct: true},
	}
	p := Stats(c, append(log, log[0]), t0.Add(time.Hour), time.UTC)
	if p.Reviews != 4 || p.Accuracy != 0.75 || p.Streak != 1 {
		t.Fatalf("reviews %d accuracy %v streak %d, want 4, 0.75, 1", p.Reviews, p.Accuracy, p.Streak)
	}
	if p.Learned != 2 { // i0 (Easy) and i7 (Good); i1's last answer was wrong
		t.Fatalf("learned = %d, want 2", p.Learned)
	}
	if p.Due != 2 { // i1 relearning and i7's learning step are due an hour later
		t.Fatalf("due = %d, want 2", p.Due)
	}
	want := []api.UnitProgress{{UnitID: "u1", Title: "Unit 1", Items: 5, Learned: 1}, {UnitID: "u2", Title: "Unit 2", Items: 5, Learned: 1}}
	if !reflect.DeepEqual(p.Units, want) {
		t.Fatalf("units = %+v, want %+v", p.Units, want)
	}
	if p.LastActive == nil || !p.LastActive.Equal(t0.Add(time.Minute)) {
		t.Fatalf("last active = %v", p.LastActive)
	}
	empty := Stats(c, nil, t0, nil)
	if empty.Reviews != 0 || empty.Accuracy != 0 || len(empty.Units) != 2 {
		t.Fatalf("stats of an empty log = %+v", empty)
	}
}
