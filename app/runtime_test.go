package app

import (
	"testing"
	"time"

	"github.com/tutor-dev/tutor/app/api"
)

func ev(id string, minute int) api.ReviewEvent {
	return api.ReviewEvent{ID: id, CourseID: "c", ItemID: "i-" + id, Rating: 3,
		AnsweredAt: time.Date(2026, 11, 28, 10, minute, 0, 0, time.UTC)}
}

func ids(evs []api.ReviewEvent) string {
	s := ""
	for _, e := range evs {
		s += e.ID
	}
	return s
}

func TestMergeLogsIsAUnionInTimeOrder(t *testing.T) {
	server := []api.ReviewEvent{ev("a", 1), ev("c", 3)}
	local := []api.ReviewEvent{ev("c", 3), ev("b", 2), ev("d", 4)} // d acked after the download
	if got := ids(mergeLogs(server, local)); got != "abcd" {
		t.Errorf("merged log %q, want abcd", got)
	}
}

func TestDropQueuedCountsEachAnswerOnce(t *testing.T) {
	log := []api.ReviewEvent{ev("a", 1), ev("b", 2)}
	q := []queuedEvent{{ID: "b", Event: ev("b", 2)}, {ID: "c", Event: ev("c", 3)}}
	if got := ids(dropQueued(log, q)); got != "a" {
		t.Errorf("log without queued %q, want a", got)
	}
}

func TestApplyAckMovesOnlyAckedEvents(t *testing.T) {
	rt := &runtime{session: &api.SessionResponse{User: api.User{ID: 7}}}
	rt.queue = []queuedEvent{
		{ID: "a", Event: ev("a", 1)},
		{ID: "b", Event: ev("b", 2)},
		{ID: "c", Event: ev("c", 3)},
	}
	rt.applyAck(7, api.SyncResponse{Acked: []string{"a"}, Rejected: []api.RejectedEvent{{ID: "b", Message: "unknown item"}}})
	if ids(rt.log) != "a" {
		t.Errorf("log %q, want a", ids(rt.log))
	}
	if len(rt.queue) != 2 || rt.queue[0].ID != "b" || rt.queue[0].Rejected != "unknown item" || rt.queue[1].ID != "c" || rt.queue[1].Rejected != "" {
		t.Errorf("queue %+v: want b rejected with its reason and c still pending", rt.queue)
	}
	v := rt.viewLocked()
	if v.Pending != 1 || len(v.Rejected) != 1 || ids(v.Reviews) != "ac" {
		t.Errorf("view: %d pending, %d rejected, reviews %q; want 1, 1, ac", v.Pending, len(v.Rejected), ids(v.Reviews))
	}

	// An ack for another user (a logout in between) changes nothing.
	rt.applyAck(8, api.SyncResponse{Acked: []string{"c"}})
	if len(rt.queue) != 2 {
		t.Errorf("an ack for another user changed the queue: %+v", rt.queue)
	}
}

func TestPendingEventsSkipsRejectedOldestFirst(t *testing.T) {
	q := []queuedEvent{
		{ID: "c", Event: ev("c", 3)},
		{ID: "x", Event: ev("x", 0), Rejected: "bad"},
		{ID: "a", Event: ev("a", 1)},
	}
	if got := ids(pendingEvents(q)); got != "ac" {
		t.Errorf("pending %q, want ac", got)
	}
}

func TestChooseCourse(t *testing.T) {
	classes := []api.Class{{CourseID: "en"}, {CourseID: "zh"}}
	for _, c := range []struct{ current, want string }{{"zh", "zh"}, {"", "en"}, {"gone", "en"}} {
		if got := chooseCourse(classes, c.current); got != c.want {
			t.Errorf("chooseCourse(%q) = %q, want %q", c.current, got, c.want)
		}
	}
	if got := chooseCourse(nil, "en"); got != "" {
		t.Errorf("no classes: %q, want none", got)
	}
}
