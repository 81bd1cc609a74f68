package app

import (
	"time"

	"github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/app/course"
	"github.com/tutor-dev/tutor/app/learn"
)

// card is the item to practise next and whether the learner has seen it.
type card struct {
	Item   course.Item
	Review bool
}

// nextCard picks the item to practise now with learn.Next: due reviews
// first, then new items while allowNew. skip is the item just answered; it
// is not repeated at once unless nothing else is left. ok is false when
// nothing is to be practised.
func nextCard(p *course.Pack, log []api.ReviewEvent, now time.Time, skip string, allowNew bool) (c card, ok bool) {
	cards := learn.Derive(log)
	candidates := learn.Next(p.Course, cards, now, 2)
	var fallback *card
	for _, it := range candidates {
		st, seen := cards[learn.Key(p.Course.ID, it.ID)]
		c := card{Item: it, Review: seen && st.Reviews > 0}
		if !c.Review && !allowNew {
			continue
		}
		if it.ID == skip {
			fallback = &c
			continue
		}
		return c, true
	}
	if fallback != nil {
		return *fallback, true
	}
	return card{}, false
}

// summarize derives the learner's progress in the course from the review
// log, on the device: due count, streak (in the device's time zone), items
// learned per unit.
func summarize(p *course.Pack, log []api.ReviewEvent, now time.Time) api.Progress {
	return learn.Stats(p.Course, log, now, time.Local)
}
