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
	checker ModelStatus // the grammar checker the worker has loaded
	grader  ModelStatus // the answer grader the worker has loaded
	failed  string      // why the worker is gone, "" while it runs
}

// ModelStatus is the on-device model as the pages show it.
type ModelStatus struct {
	Version int64 // 0: none loaded
	Task    string
	// Problem is why the last update was not installed (a bundle the
	// pinned key refuses, a broken download); the loaded model, if any,
	// keeps working.
	Problem string
}

// Checks reports whether the loaded model is a grammar checker.
func (m ModelStatus) Checks() bool { return m.Version > 0 && m.Task == "gec" }

// Grades reports whether the loaded model is an answer grader.
func (m ModelStatus) Grades() bool { return m.Version > 0 && m.Task == "grade" }

// workerModels is the worker's answer to start and sync: its model of
// each task.
type workerModels struct {
	GEC      ModelStatus       `json:"gec"`
	Grade    ModelStatus       `json:"grade"`
	Updated  bool              `json:"updated"`
	Problems map[string]string `json:"problems"`
}

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

// newDeviceEngine returns the page's side of the engine, or nil where the
// browser has no Web Workers or WebAssembly (then the server checks). The
// worker itself starts at the first request, once a session has a model
// key: a page nobody is logged in to never downloads or compiles it.
func newDeviceEngine() *deviceEngine {
	if !app.IsClient || !app.Window().Get("Worker").Truthy() || !app.Window().Get("WebAssembly").Truthy() {
		return nil
	}
	return &deviceEngine{waiting: map[int]chan engineReply{}}
}

// startWorker starts the worker; e.mu is held.
func (e *deviceEngine) startWorker() {
	e.worker = app.Window().Get("Worker").New("/web/infer-worker.js")
	e.worker.Set("onmessage", app.FuncOf(e.onMessage))
	e.worker.Set("onerror", app.FuncOf(func(_ app.Value, args []app.Value) any {
		msg := "the engine's worker failed"
		if len(args) > 0 && args[0].Get("message").Truthy() {
			msg += ": " + args[0].Get("message").String()
		}
		e.fail(msg)
		return nil
	}))
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

// fail gives up on a worker that crashed or never started: waiting
// requests get msg, later ones fail at once, and no model is offered, so
// the pages fall back to the server.
func (e *deviceEngine) fail(msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failed = msg
	e.checker, e.grader = ModelStatus{}, ModelStatus{}
	for id, ch := range e.waiting {
		ch <- engineReply{err: &EngineError{Code: "failed", Message: msg}}
		delete(e.waiting, id)
	}
}

// call sends {id, op, fields...} and decodes the answer into out.
func (e *deviceEngine) call(op string, fields map[string]any, out any) error {
	ch := make(chan engineReply, 1)
	e.mu.Lock()
	if e.failed != "" {
		e.mu.Unlock()
		return &EngineError{Code: "failed", Message: e.failed}
	}
	if e.worker == nil {
		e.startWorker()
	}
	e.nextID++
	id := e.nextID
	e.waiting[id] = ch
	worker := e.worker
	e.mu.Unlock()
	msg := map[string]any{"id": id, "op": op}
	for k, v := range fields {
		msg[k] = v
	}
	worker.Call("postMessage", msg)
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

// Status is the loaded grammar checker.
func (e *deviceEngine) Status() ModelStatus {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.checker
}

// GraderStatus is the loaded answer grader.
func (e *deviceEngine) GraderStatus() ModelStatus {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.grader
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
	var m workerModels
	if err := e.call("start", map[string]any{"key": key}, &m); err != nil {
		return err
	}
	e.mu.Lock()
	e.key, e.checker, e.grader = key, m.GEC, m.Grade
	e.mu.Unlock()
	return nil
}

// Sync asks the server for the class's current bundle of each task and
// installs those that are other ones; it reports whether anything the
// pages show changed. A refused or broken bundle leaves the loaded model
// of its task as it was and is recorded in that status's Problem.
func (e *deviceEngine) Sync() (bool, error) {
	var m workerModels
	if err := e.call("sync", nil, &m); err != nil {
		return false, err
	}
	m.GEC.Problem, m.Grade.Problem = m.Problems["gec"], m.Problems["grade"]
	e.mu.Lock()
	defer e.mu.Unlock()
	changed := m.Updated || m.GEC != e.checker || m.Grade != e.grader
	e.checker, e.grader = m.GEC, m.Grade
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

// errNoDeviceGrader: the device has no answer grader yet.
var errNoDeviceGrader = errors.New("no answer grader on this device yet")

// Grade judges a free answer to an exercise against its accepted answers
// on this device.
func (e *deviceEngine) Grade(exercise string, references []string, answer string) (api.GradeResult, error) {
	if !e.GraderStatus().Grades() {
		return api.GradeResult{}, errNoDeviceGrader
	}
	refs := make([]any, len(references))
	for i, r := range references {
		refs[i] = r
	}
	var res api.GradeResult
	err := e.call("grade", map[string]any{"exercise": exercise, "references": refs, "answer": answer}, &res)
	return res, err
}

// GradeAnswer judges a free answer on this device (see practice.check).
func (rt *runtime) GradeAnswer(exercise string, references []string, answer string) (api.GradeResult, error) {
	rt.mu.Lock()
	e := rt.engine
	rt.mu.Unlock()
	if e == nil {
		return api.GradeResult{}, errNoDeviceGrader
	}
	return e.Grade(exercise, references, answer)
}
