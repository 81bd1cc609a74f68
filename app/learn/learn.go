// Package learn derives what a learner knows from their review log: the
// FSRS memory state of every item (replayed with go-fsrs, deterministically),
// which items to practise next, and the progress a dashboard shows.
//
// The review log is the source of truth; nothing here is stored. The same
// code runs on the server (teacher views) and in the browser (offline
// practice), so it imports only the standard library, go-fsrs, app/api and
// app/course, and must build for js/wasm. It must not import server or UI
// packages.
package learn

import (
	"sort"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v4"

	"github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/app/course"
)

// NewPerSession is the most new items Next introduces in one session, so a
// learner is not flooded with reviews a few days later.
const NewPerSession = 10

// CardState is what the review log says about one item.
type CardState struct {
	CourseID string
	ItemID   string
	Card     fsrs.Card // FSRS-6 memory state and the next due time
	Reviews  int       // valid reviews replayed
	Correct  int       // of which the answer was right
	Last     api.ReviewEvent
}

// Learned reports whether the learner currently knows the item: it has been
// reviewed and the most recent answer was not rated Again.
func (c CardState) Learned() bool {
	return c.Reviews > 0 && c.Last.Rating > int(fsrs.Again)
}

// Due reports whether the item should be reviewed at now.
func (c CardState) Due(now time.Time) bool {
	return c.Reviews > 0 && !c.Card.Due.After(now)
}

// Key is the map key Derive uses for an item: course id, "/", item id. Item
// ids are unique only within a pack, so the course id is part of the key.
func Key(courseID, itemID string) string {
	return courseID + "/" + itemID
}

// scheduler is FSRS-6 with default parameters and without interval fuzz, so
// that replaying a log always gives the same schedule.
var scheduler = func() *fsrs.FSRS {
	p := fsrs.DefaultParam()
	p.EnableFuzz = false
	return fsrs.NewFSRS(p)
}()

// Derive replays the review log into the state of every reviewed item,
// keyed by Key(course id, item id). Each item's events are applied in
// (AnsweredAt, ID) order, so the same set of events gives the same state
// whatever order they were uploaded in; an event ID seen twice counts once.
// Events with a rating outside 1–4, or without a time, item or course, are
// skipped.
func Derive(events []api.ReviewEvent) map[string]CardState {
	byItem := map[string][]api.ReviewEvent{}
	seen := map[string]bool{}
	for _, e := range events {
		if !usable(e) || seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		k := Key(e.CourseID, e.ItemID)
		byItem[k] = append(byItem[k], e)
	}
	cards := make(map[string]CardState, len(byItem))
	for k, evs := range byItem {
		sortEvents(evs)
		cards[k] = replay(evs)
	}
	return cards
}

func usable(e api.ReviewEvent) bool {
	return e.Rating >= int(fsrs.Again) && e.Rating <= int(fsrs.Easy) &&
		!e.AnsweredAt.IsZero() && e.ItemID != "" && e.CourseID != "" && e.ID != ""
}

// sortEvents orders events by time, then by ID to break ties.
func sortEvents(evs []api.ReviewEvent) {
	sort.Slice(evs, func(i, j int) bool {
		if !evs[i].AnsweredAt.Equal(evs[j].AnsweredAt) {
			return evs[i].AnsweredAt.Before(evs[j].AnsweredAt)
		}
		return evs[i].ID < evs[j].ID
	})
}

// replay applies one item's sorted events to a new card.
func replay(evs []api.ReviewEvent) CardState {
	s := CardState{CourseID: evs[0].CourseID, ItemID: evs[0].ItemID, Card: fsrs.NewCard(evs[0].AnsweredAt)}
	for _, e := range evs {
		info, err := scheduler.Next(s.Card, e.AnsweredAt, fsrs.Rating(e.Rating))
		if err != nil {
			continue // cannot happen for a sorted, validated log; skipping keeps the rest usable
		}
		s.Card = info.Card
		s.Reviews++
		if e.Correct {
			s.Correct++
		}
		s.Last = e
	}
	return s
}

// Next chooses up to limit items of course c to practise at now: due
// reviews first, most overdue first (course order breaks ties), then items
// never seen, in course order, at most NewPerSession of them. cards is
// Derive's result (it may hold other courses too).
func Next(c course.Course, cards map[string]CardState, now time.Time, limit int) []course.Item {
	if limit <= 0 {
		return nil
	}
	type due struct {
		item course.Item
		at   time.Time
		pos  int
	}
	var reviews []due
	var fresh []course.Item
	pos := 0
	eachItem(c, func(it course.Item) {
		pos++
		st, ok := cards[Key(c.ID, it.ID)]
		switch {
		case !ok || st.Reviews == 0:
			fresh = append(fresh, it)
		case st.Due(now):
			reviews = append(reviews, due{it, st.Card.Due, pos})
		}
	})
	sort.SliceStable(reviews, func(i, j int) bool {
		if !reviews[i].at.Equal(reviews[j].at) {
			return reviews[i].at.Before(reviews[j].at)
		}
		return reviews[i].pos < reviews[j].pos
	})
	out := make([]course.Item, 0, limit)
	for _, r := range reviews {
		if len(out) == limit {
			return out
		}
		out = append(out, r.item)
	}
	for i, it := range fresh {
		if len(out) == limit || i == NewPerSession {
			break
		}
		out = append(out, it)
	}
	return out
}

// Stats summarises a learner's log for course c at now: reviews, accuracy,
// items due and learned, the streak of practice days in loc, and progress
// per unit. Events for other courses are ignored. The caller fills in the
// user fields of the result.
func Stats(c course.Course, events []api.ReviewEvent, now time.Time, loc *time.Location) api.Progress {
	if loc == nil {
		loc = time.UTC
	}
	var mine []api.ReviewEvent
	seen := map[string]bool{}
	p := api.Progress{Units: []api.UnitProgress{}}
	for _, e := range events {
		if e.CourseID != c.ID || !usable(e) || seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		mine = append(mine, e)
		p.Reviews++
		if e.Correct {
			p.Accuracy++
		}
		if p.LastActive == nil || e.AnsweredAt.After(*p.LastActive) {
			t := e.AnsweredAt
			p.LastActive = &t
		}
	}
	if p.Reviews > 0 {
		p.Accuracy /= float64(p.Reviews)
	}
	p.Streak = Streak(mine, now, loc)
	cards := Derive(mine)
	for i := range c.Units {
		u := &c.Units[i]
		up := api.UnitProgress{UnitID: u.ID, Title: u.Title}
		for _, l := range u.Lessons {
			for _, it := range l.Items {
				up.Items++
				st, ok := cards[Key(c.ID, it.ID)]
				if !ok {
					continue
				}
				if st.Learned() {
					up.Learned++
				}
				if st.Due(now) {
					p.Due++
				}
			}
		}
		p.Learned += up.Learned
		p.Units = append(p.Units, up)
	}
	return p
}

// Streak counts consecutive calendar days in loc with at least one review,
// ending today or yesterday (a streak is not broken before the day is over).
func Streak(events []api.ReviewEvent, now time.Time, loc *time.Location) int {
	if loc == nil {
		loc = time.UTC
	}
	days := map[civilDay]bool{}
	for _, e := range events {
		if !e.AnsweredAt.IsZero() {
			days[dayOf(e.AnsweredAt, loc)] = true
		}
	}
	day := dayOf(now, loc)
	if !days[day] {
		day = day.prev()
	}
	n := 0
	for days[day] {
		n++
		day = day.prev()
	}
	return n
}

// civilDay is a calendar date, independent of clock changes.
type civilDay struct {
	y int
	m time.Month
	d int
}

func dayOf(t time.Time, loc *time.Location) civilDay {
	y, m, d := t.In(loc).Date()
	return civilDay{y, m, d}
}

func (c civilDay) prev() civilDay {
	y, m, d := time.Date(c.y, c.m, c.d-1, 12, 0, 0, 0, time.UTC).Date()
	return civilDay{y, m, d}
}

// eachItem calls f for every item of c in course order.
func eachItem(c course.Course, f func(course.Item)) {
	for _, u := range c.Units {
		for _, l := range u.Lessons {
			for _, it := range l.Items {
				f(it)
			}
		}
	}
}
