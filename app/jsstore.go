package app

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/app/course"
)

// errNoBrowser is returned by the offline store outside a browser (the
// server's prerendering), where there is no IndexedDB.
var errNoBrowser = errors.New("the offline store works only in the browser")

// offlineStore is the Go face of window.tutorStore (web/store.js): the
// answer queue, course packs and small records in IndexedDB. Every method
// blocks until the browser has committed the change, so it must be called
// from a goroutine (ctx.Async), never from a JavaScript callback.
type offlineStore struct{}

// queuedEvent is an answer waiting for the server's acknowledgement.
// Rejected holds the server's reason when it will never accept it.
type queuedEvent struct {
	ID       string          `json:"id"`
	Rejected string          `json:"rejected"`
	Event    api.ReviewEvent `json:"event"`
}

// call invokes tutorStore.fn(args...) and waits for its promise.
func (offlineStore) call(fn string, args ...any) (app.Value, error) {
	if !app.IsClient {
		return nil, errNoBrowser
	}
	s := app.Window().Get("tutorStore")
	if !s.Truthy() {
		return nil, errors.New("the offline store script (/web/store.js) did not load; reload the page")
	}
	return await(s.Call(fn, args...))
}

// await blocks until the promise p settles.
func await(p app.Value) (app.Value, error) {
	type outcome struct {
		v   app.Value
		err error
	}
	done := make(chan outcome, 1)
	onOK := app.FuncOf(func(_ app.Value, args []app.Value) any {
		var v app.Value = app.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		done <- outcome{v: v}
		return nil
	})
	onErr := app.FuncOf(func(_ app.Value, args []app.Value) any {
		msg := "unknown error"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		done <- outcome{err: errors.New(msg)}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	p.Call("then", onOK, onErr)
	o := <-done
	return o.v, o.err
}

func (s offlineStore) getString(fn string, args ...any) (string, error) {
	v, err := s.call(fn, args...)
	if err != nil {
		return "", err
	}
	if v.Type() != app.TypeString {
		return "", nil
	}
	return v.String(), nil
}

// get decodes the JSON record at key into v; found is false when absent.
func (s offlineStore) get(key string, v any) (found bool, err error) {
	raw, err := s.getString("kvGet", key)
	if err != nil || raw == "" {
		return false, err
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return false, fmt.Errorf("offline record %q is damaged: %w", key, err)
	}
	return true, nil
}

// put stores v as JSON at key.
func (s offlineStore) put(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = s.call("kvPut", key, string(b))
	return err
}

func (s offlineStore) delete(key string) error {
	_, err := s.call("kvDelete", key)
	return err
}

// pack returns the stored course pack, or nil when this device has none.
func (s offlineStore) pack(courseID string) (*course.Pack, error) {
	raw, err := s.getString("getContent", courseID)
	if err != nil || raw == "" {
		return nil, err
	}
	var p course.Pack
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return nil, fmt.Errorf("stored course %q is damaged: %w", courseID, err)
	}
	return &p, nil
}

func (s offlineStore) putPack(p *course.Pack) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = s.call("putContent", p.Course.ID, string(b))
	return err
}

// enqueue stores an answer in the queue; it returns once it is durable.
func (s offlineStore) enqueue(userID int64, ev api.ReviewEvent) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = s.call("enqueue", ev.ID, userID, string(b))
	return err
}

// queue lists the user's queued answers, rejected ones included.
func (s offlineStore) queue(userID int64) ([]queuedEvent, error) {
	raw, err := s.getString("queue", userID)
	if err != nil {
		return nil, err
	}
	var q []queuedEvent
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &q); err != nil {
			return nil, fmt.Errorf("the offline answer queue is damaged: %w", err)
		}
	}
	return q, nil
}

// ack moves acknowledged answers into the user's review log and marks the
// rejected ones, in one IndexedDB transaction.
func (s offlineStore) ack(userID int64, acked []string, rejected []api.RejectedEvent) error {
	if acked == nil {
		acked = []string{}
	}
	if rejected == nil {
		rejected = []api.RejectedEvent{}
	}
	a, _ := json.Marshal(acked)
	r, _ := json.Marshal(rejected)
	_, err := s.call("ack", userID, string(a), string(r))
	return err
}

// forget drops a rejected answer the learner chose to discard.
func (s offlineStore) forget(userID int64, id string) error {
	_, err := s.call("forget", userID, id)
	return err
}

// reviewLogKey is where a user's acknowledged review log is kept.
func reviewLogKey(userID int64) string { return fmt.Sprintf("reviews:%d", userID) }
