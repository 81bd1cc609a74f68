package app

import (
	"testing"
	"time"

	"github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/app/course"
)

func TestNextCardSkipsTheItemJustAnswered(t *testing.T) {
	pk := &course.Pack{Course: course.Course{ID: "c", Units: []course.Unit{{ID: "u", Lessons: []course.Lesson{{ID: "l", Items: []course.Item{
		{ID: "one", Kind: course.KindVocab}, {ID: "two", Kind: course.KindVocab},
	}}}}}}}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	c, ok := nextCard(pk, nil, now, "", true)
	if !ok || c.Item.ID != "one" || c.Review {
		t.Fatalf("first card %+v %v, want new item one", c, ok)
	}
	// "one" was just failed: it is due again at once, but "two" comes first.
	log := []api.ReviewEvent{{ID: "e1", CourseID: "c", ItemID: "one", Rating: 1, AnsweredAt: now.Add(-time.Hour)}}
	if c, ok := nextCard(pk, log, now, "one", true); !ok || c.Item.ID != "two" {
		t.Errorf("after answering one: %+v %v, want two", c, ok)
	}
	// With new items held back, the only candidate is repeated.
	if c, ok := nextCard(pk, log, now, "one", false); !ok || c.Item.ID != "one" || !c.Review {
		t.Errorf("no new items allowed: %+v %v, want the review of one", c, ok)
	}
	// Everything answered well and not due: nothing to do.
	good := []api.ReviewEvent{
		{ID: "e2", CourseID: "c", ItemID: "one", Rating: 4, AnsweredAt: now.Add(-time.Minute)},
		{ID: "e3", CourseID: "c", ItemID: "two", Rating: 4, AnsweredAt: now.Add(-time.Minute)},
	}
	if c, ok := nextCard(pk, good, now, "", true); ok {
		t.Errorf("all learned: got %+v, want nothing", c)
	}
}
