package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tutor-dev/tutor/app/api"
)

// deviceEngine is the page's side of the inference engine, which runs in a
// Web Worker (web/infer-worker.js, infer.wasm): the grammar checker on
// this device, offline too, with the class's model bundle kept in Cache
// Storage. The worker verifies every bundle against the server key pinned
// at login before it runs anything in it.
//
// Each method sends one request and blocks until the worker answers, so it
// must be called from a goroutine (ctx.Async), never from a JavaScript
// callback.
type deviceEngine struct {
	mu      sync.Mutex
	worker  app.Value
	nextID  int
	waiting map[int]chan engineReply
	key     string      // the pinned key the worker was started with
	model   ModelStatus // what the worker has loaded
}

// ModelStatus is the on-device model as the pages show it.
type ModelStatus struct {
	Version int64  // 0: none loaded
	Task    string
	// Problem is why the last update was not installed (a bundle the
	// pinned key refuses, a broken download); the loaded model, if any,
	// keeps working.
	Problem string
}

// Checks reports whether the loaded model is a grammar checker.
func (m ModelStatus) Checks() bool { return m.Version > 0 && m.Task == "gec" }

type engineReply struct {
	result string // the answer's JSON
	err    error
}

// EngineError is a failed request to the engine: Code is the engine's
// ("refused" for a bundle that failed verification, the checker's input
// codes, "offline", ...).
type EngineError struct {
	Code    string
	Message string
}

func (e *EngineError) Error() string { return e.Message }

// newDeviceEngine starts the worker, or returns nil where the browser has
// no Web Workers or WebAssembly (then the server checks).
func newDeviceEngine() *deviceEngine {
	if !app.IsClient || !app.Window().Get("Worker").Truthy() || !app.Window().Get("WebAssembly").Truthy() {
		return nil
	}
	e := &deviceEngine{waiting: map[int]chan engineReply{}}
	e.worker = app.Window().Get("Worker").New("/web/infer-worker.js")
	e.worker.Set("onmessage", app.FuncOf(e.onMessage))
	e.worker.Set("onerror", app.FuncOf(func(_ app.Value, args []app.Value) any {
		msg := "the engine's worker failed"
		if len(args) > 0 && args[0].Get("message").Truthy() {
			msg += ": " + args[0].Get("message").String()
		}
		e.failAll(msg)
		return nil
	}))
	return e
}

// onMessage hands a reply to the request waiting for it.
func (e *deviceEngine) onMessage(_ app.Value, args []app.Value) any {
	if len(args) == 0 {
		return nil
	}
	data := args[0].Get("data")
	id := data.Get("id").Int()
	var r engineReply
	if data.Get("ok").Bool() {
		r.result = app.Window().Get("JSON").Call("stringify", data.Get("result")).String()
	} else {
		r.err = &EngineError{Code: data.Get("code").String(), Message: data.Get("error").String()}
	}
	e.mu.Lock()
	ch := e.waiting[id]
	delete(e.waiting, id)
	e.mu.Unlock()
	if ch != nil {
		ch <- r
	}
	return nil
}

func (e *deviceEngine) failAll(msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for id, ch := range e.waiting {
		ch <- engineReply{err: &EngineError{Code: "failed", Message: msg}}
		delete(e.waiting, id)
	}
}

// call sends {id, op, fields...} and decodes the answer into out.
func (e *deviceEngine) call(op string, fields map[string]any, out any) error {
	ch := make(chan engineReply, 1)
	e.mu.Lock()
	e.nextID++
	id := e.nextID
	e.waiting[id] = ch
	e.mu.Unlock()
	msg := map[string]any{"id": id, "op": op}
	for k, v := range fields {
		msg[k] = v
	}
	e.worker.Call("postMessage", msg)
	r := <-ch
	if r.err != nil {
		return r.err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal([]byte(r.result), out); err != nil {
		return fmt.Errorf("the engine's answer to %s: %v", op, err)
	}
	return nil
}

// Status is the loaded model.
func (e *deviceEngine) Status() ModelStatus {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.model
}

// Start pins key and loads the newest bundle this device keeps, once per
// key: it works offline.
func (e *deviceEngine) Start(key string) error {
	e.mu.Lock()
	started := e.key == key
	e.mu.Unlock()
	if started || key == "" {
		return nil
	}
	var m ModelStatus
	if err := e.call("start", map[string]any{"key": key}, &m); err != nil {
		return err
	}
	e.mu.Lock()
	e.key, e.model = key, m
	e.mu.Unlock()
	return nil
}

// Sync asks the server for the class's current bundle and installs it when
// it is another one; it reports whether the model changed. A refused or
// broken bundle leaves the loaded model as it was and is recorded in the
// status's Problem.
func (e *deviceEngine) Sync() (bool, error) {
	var m struct {
		ModelStatus
		Updated bool `json:"updated"`
	}
	err := e.call("sync", nil, &m)
	e.mu.Lock()
	defer e.mu.Unlock()
	var ee *EngineError
	switch {
	case errors.As(err, &ee) && ee.Code != "offline":
		e.model.Problem = ee.Message
		return true, err
	case err != nil:
		return false, err
	}
	changed := m.Updated || e.model.Problem != ""
	m.Problem = ""
	e.model = m.ModelStatus
	return changed, nil
}

// errNoDeviceModel: the device has no grammar checker yet.
var errNoDeviceModel = errors.New("no grammar checker on this device yet")

// Check marks the errors of text on this device. The checker's refusals
// come back as the server's API errors (same codes), so that the page
// treats both alike.
func (e *deviceEngine) Check(text string) (api.CheckResult, error) {
	if !e.Status().Checks() {
		return api.CheckResult{}, errNoDeviceModel
	}
	var res api.CheckResult
	err := e.call("check", map[string]any{"text": text}, &res)
	var ee *EngineError
	if errors.As(err, &ee) {
		switch ee.Code {
		case api.CodeNotEnglish, api.CodeTooLong, "empty":
			return res, &APIError{Status: 422, ErrorDetail: api.ErrorDetail{Code: ee.Code, Message: ee.Message}}
		}
	}
	return res, err
}
