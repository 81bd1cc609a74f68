package app

import (
	"context"
	"errors"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/app/course"
)

// State names published to components with ctx.SetState.
const (
	stateView = "tutor.view"
	stateLang = "tutor.lang"
)

// Sync timing: how often the queue is retried while the app is open, and how
// long to wait after a network failure before trying again on a timer.
const (
	syncInterval = 7 * time.Second
	syncBatch    = api.MaxSyncEvents
	// modelSyncInterval is how often an open app asks for a newer model
	// besides every refresh (start, login, back online).
	modelSyncInterval = time.Minute
)

// View is what the pages show: a copy of the runtime's state, published
// whenever it changes. Components read it; only the runtime writes it.
type View struct {
	Loaded   bool      // the offline store has been read
	User     *api.User // nil when logged out
	Classes  []api.Class
	Online   bool
	Syncing  bool
	Pending  int           // answers waiting for the server's ack
	Rejected []queuedEvent // answers the server will never accept, with its reason
	CourseID string
	Pack     *course.Pack
	// Reviews is the learner's review log as this device knows it: the
	// acknowledged answers and the pending ones, ordered by time.
	Reviews []api.ReviewEvent
	// Problem is the last error of the background work (sync, refresh),
	// already written for the user; empty when all is well.
	Problem        string
	SessionExpired bool // the server no longer knows this session: log in again
	// Model and Grader are the grammar checker and the answer grader on
	// this device (Version 0: none yet, or a browser that cannot run them).
	Model  ModelStatus
	Grader ModelStatus
}

// runtime is the one instance of the app's client-side state: the session,
// the offline store, the answer queue and the sync loop. Components talk to
// it through its methods and read its View.
type runtime struct {
	mu       sync.Mutex
	ctx      app.Context
	started  bool
	client   *Client
	store    offlineStore
	deviceID string

	session        *api.SessionResponse
	courseID       string
	pack           *course.Pack
	log            []api.ReviewEvent // acknowledged answers
	queue          []queuedEvent     // pending and rejected answers
	online         bool
	syncing        bool
	loaded         bool
	problem        string
	sessionExpired bool
	refreshWanted  bool          // content, session and log should be fetched again (new login, after an outage)
	engine         *deviceEngine // nil outside a browser that runs Web Workers and WebAssembly
	modelKick      chan struct{} // asks the model loop to sync now

	wake chan struct{}
}

// tutor is the runtime; it exists in every build but starts only in the
// browser.
var tutor = &runtime{wake: make(chan struct{}, 1), modelKick: make(chan struct{}, 1)}

// storedSession is the session as kept offline (kv "session").
type storedSession struct {
	Session  api.SessionResponse `json:"session"`
	CourseID string              `json:"course_id"`
}

// start begins the runtime once per page load: load from IndexedDB (works
// offline), then refresh from the server and run the sync loop.
func (rt *runtime) start(ctx app.Context) {
	rt.mu.Lock()
	if rt.started || !app.IsClient {
		rt.mu.Unlock()
		return
	}
	rt.started = true
	rt.ctx = ctx
	origin := app.Window().Get("location").Get("origin").String()
	rt.client = &Client{Base: origin}
	rt.online = navigatorOnline()
	rt.engine = newDeviceEngine()
	rt.mu.Unlock()

	showLang(ctx, initialLang(ctx))
	rt.watchConnectivity()
	ctx.Async(func() {
		rt.loadOffline()
		ctx.Async(rt.modelLoop)
		rt.refresh()
		rt.syncLoop()
	})
}

// navigatorOnline is the browser's own opinion (false means surely offline).
func navigatorOnline() bool {
	return app.Window().Get("navigator").Get("onLine").Bool()
}

// watchConnectivity wakes the sync loop when the browser reports that the
// network is back, and shows the offline state at once when it goes.
func (rt *runtime) watchConnectivity() {
	on := app.FuncOf(func(app.Value, []app.Value) any {
		rt.setOnline(true)
		rt.Wake()
		return nil
	})
	off := app.FuncOf(func(app.Value, []app.Value) any {
		rt.setOnline(false)
		return nil
	})
	app.Window().Call("addEventListener", "online", on)
	app.Window().Call("addEventListener", "offline", off)
}

// setOnline records whether the server is reachable. Going offline also
// asks for a refresh, which the sync loop retries until it gets through:
// that is how the app notices the server is back even with nothing to
// upload, and catches up on content and answers from other devices.
func (rt *runtime) setOnline(v bool) {
	rt.mu.Lock()
	changed := rt.online != v
	rt.online = v
	if !v {
		rt.refreshWanted = true
	}
	rt.mu.Unlock()
	if changed {
		rt.publish()
	}
}

// Wake asks the sync loop to upload now (after an answer, when back online).
func (rt *runtime) Wake() {
	select {
	case rt.wake <- struct{}{}:
	default:
	}
}

// publish hands a fresh View to every observing component.
func (rt *runtime) publish() {
	rt.mu.Lock()
	v := rt.viewLocked()
	ctx, started := rt.ctx, rt.started
	rt.mu.Unlock()
	if started {
		ctx.SetState(stateView, v)
	}
}

func (rt *runtime) viewLocked() View {
	v := View{
		Loaded:         rt.loaded,
		Online:         rt.online,
		Syncing:        rt.syncing,
		CourseID:       rt.courseID,
		Pack:           rt.pack,
		Problem:        rt.problem,
		SessionExpired: rt.sessionExpired,
	}
	if rt.engine != nil {
		v.Model, v.Grader = rt.engine.Status(), rt.engine.GraderStatus()
	}
	if rt.session != nil {
		u := rt.session.User
		v.User = &u
		v.Classes = slices.Clone(rt.session.Classes)
	}
	v.Reviews = slices.Clone(rt.log)
	for _, q := range rt.queue {
		if q.Rejected != "" {
			v.Rejected = append(v.Rejected, q)
			continue
		}
		v.Pending++
		v.Reviews = append(v.Reviews, q.Event)
	}
	sortReviews(v.Reviews)
	return v
}

// sortReviews orders a log by time, then id, as the server does.
func sortReviews(rs []api.ReviewEvent) {
	sort.SliceStable(rs, func(i, j int) bool {
		if !rs[i].AnsweredAt.Equal(rs[j].AnsweredAt) {
			return rs[i].AnsweredAt.Before(rs[j].AnsweredAt)
		}
		return rs[i].ID < rs[j].ID
	})
}

func (rt *runtime) setProblem(msg string) {
	rt.mu.Lock()
	rt.problem = msg
	rt.mu.Unlock()
	rt.publish()
}

// loadOffline reads everything this device knows from IndexedDB, so the
// app works before (and without) any answer from the server.
func (rt *runtime) loadOffline() {
	defer func() {
		rt.mu.Lock()
		rt.loaded = true
		rt.mu.Unlock()
		rt.publish()
	}()
	id, err := rt.ensureDeviceID()
	if err != nil {
		rt.setProblem(storeProblem(err))
		return
	}
	rt.mu.Lock()
	rt.deviceID = id
	rt.mu.Unlock()

	var ss storedSession
	found, err := rt.store.get("session", &ss)
	if err != nil {
		rt.setProblem(storeProblem(err))
		return
	}
	if !found {
		return
	}
	rt.adoptSession(ss.Session, ss.CourseID)
	if err := rt.loadLearner(); err != nil {
		rt.setProblem(storeProblem(err))
	}
}

// ensureDeviceID returns this browser's persistent device id, making one on
// first use.
func (rt *runtime) ensureDeviceID() (string, error) {
	var id string
	found, err := rt.store.get("device_id", &id)
	if err != nil {
		return "", err
	}
	if found && id != "" {
		return id, nil
	}
	u, err := uuid.NewRandom()
	if err != nil {
		return "", err
	}
	id = u.String()
	return id, rt.store.put("device_id", id)
}

// adoptSession makes s the current session and picks the course to practise.
func (rt *runtime) adoptSession(s api.SessionResponse, courseID string) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if old := rt.session; old != nil && old.User.ID == s.User.ID && old.ModelKey != "" {
		// The server's model key is pinned at login: a refresh that
		// brings another key does not change which bundles are trusted.
		s.ModelKey = old.ModelKey
	}
	rt.session = &s
	rt.sessionExpired = false
	if s.CSRFToken != "" && rt.client != nil {
		rt.client.CSRF = s.CSRFToken
	}
	rt.courseID = chooseCourse(s.Classes, courseID)
}

// chooseCourse keeps the learner's chosen course while one of their classes
// still uses it, and otherwise takes the first class's course.
func chooseCourse(classes []api.Class, current string) string {
	for _, c := range classes {
		if c.CourseID == current && current != "" {
			return current
		}
	}
	if len(classes) > 0 {
		return classes[0].CourseID
	}
	return ""
}

// loadLearner reads the current user's review log, answer queue and course
// pack from IndexedDB.
func (rt *runtime) loadLearner() error {
	rt.mu.Lock()
	if rt.session == nil {
		rt.mu.Unlock()
		return nil
	}
	uid, courseID := rt.session.User.ID, rt.courseID
	rt.mu.Unlock()

	var log []api.ReviewEvent
	if _, err := rt.store.get(reviewLogKey(uid), &log); err != nil {
		return err
	}
	q, err := rt.store.queue(uid)
	if err != nil {
		return err
	}
	var pack *course.Pack
	if courseID != "" {
		if pack, err = rt.store.pack(courseID); err != nil {
			return err
		}
	}
	rt.mu.Lock()
	rt.log, rt.queue, rt.pack = dropQueued(log, q), q, pack
	rt.mu.Unlock()
	rt.publish()
	return nil
}

// loadPackIfSwitched loads the current course from IndexedDB when the pack
// in memory is another one (or none).
func (rt *runtime) loadPackIfSwitched() error {
	rt.mu.Lock()
	courseID := rt.courseID
	current := rt.pack != nil && rt.pack.Course.ID == courseID
	rt.mu.Unlock()
	if current || courseID == "" {
		return nil
	}
	pack, err := rt.store.pack(courseID)
	if err != nil {
		return err
	}
	rt.mu.Lock()
	if rt.courseID == courseID {
		rt.pack = pack
	}
	rt.mu.Unlock()
	return nil
}

// dropQueued removes from log the events that are also still queued (a
// crash between the two writes of an ack can leave both), so none counts
// twice.
func dropQueued(log []api.ReviewEvent, q []queuedEvent) []api.ReviewEvent {
	queued := make(map[string]bool, len(q))
	for _, e := range q {
		queued[e.ID] = true
	}
	return slices.DeleteFunc(log, func(e api.ReviewEvent) bool { return queued[e.ID] })
}

// mergeLogs is the union of two review logs by event id, ordered by time.
func mergeLogs(a, b []api.ReviewEvent) []api.ReviewEvent {
	seen := make(map[string]bool, len(a)+len(b))
	out := make([]api.ReviewEvent, 0, len(a)+len(b))
	for _, log := range [][]api.ReviewEvent{a, b} {
		for _, e := range log {
			if !seen[e.ID] {
				seen[e.ID] = true
				out = append(out, e)
			}
		}
	}
	sortReviews(out)
	return out
}

// saveSession keeps the session offline so the app starts logged in.
func (rt *runtime) saveSession() error {
	rt.mu.Lock()
	if rt.session == nil {
		rt.mu.Unlock()
		return rt.store.delete("session")
	}
	ss := storedSession{Session: *rt.session, CourseID: rt.courseID}
	rt.mu.Unlock()
	return rt.store.put("session", ss)
}

// refresh asks the server for the session, content and review log; when
// offline it changes nothing.
func (rt *runtime) refresh() {
	rt.mu.Lock()
	loggedIn := rt.session != nil
	rt.mu.Unlock()
	if !loggedIn {
		return
	}
	ctx := context.Background()
	me, err := rt.client.Me(ctx)
	switch {
	case isOffline(err):
		rt.setOnline(false)
		return
	case isUnauthorized(err):
		rt.mu.Lock()
		rt.sessionExpired = true
		rt.mu.Unlock()
		rt.publish()
		return
	case err != nil:
		rt.setProblem(err.Error())
		return
	}
	rt.setOnline(true)
	rt.mu.Lock()
	courseID := rt.courseID
	rt.mu.Unlock()
	rt.adoptSession(me, courseID)
	if err := rt.saveSession(); err != nil {
		rt.setProblem(storeProblem(err))
	}
	// The queue and log in memory are current (answers given meanwhile are
	// in them); only a course switched by the server needs loading.
	if err := rt.loadPackIfSwitched(); err != nil {
		rt.setProblem(storeProblem(err))
	}
	if err := rt.refreshContent(ctx); err != nil {
		rt.reportBackground(err)
	}
	if err := rt.refreshLog(ctx); err != nil {
		rt.reportBackground(err)
	}
	rt.publish()
	rt.kickModel()
}

// reportBackground shows an error of background work, except lost
// connections, which only flip the online indicator.
func (rt *runtime) reportBackground(err error) {
	if isOffline(err) {
		rt.setOnline(false)
		return
	}
	rt.setProblem(err.Error())
}

// refreshContent downloads the current course pack and keeps it offline.
func (rt *runtime) refreshContent(ctx context.Context) error {
	rt.mu.Lock()
	courseID := rt.courseID
	rt.mu.Unlock()
	if courseID == "" {
		return nil
	}
	p, err := rt.client.Course(ctx, courseID)
	if err != nil {
		return err
	}
	if err := rt.store.putPack(&p); err != nil {
		return errors.New(storeProblem(err))
	}
	rt.mu.Lock()
	if rt.courseID == courseID {
		rt.pack = &p
	}
	rt.mu.Unlock()
	return nil
}

// refreshLog merges the server's review log, the source of truth (answers
// given on other devices included), into the acknowledged log. It merges
// rather than replaces: an answer acknowledged while the download was on
// its way is in the local log and not yet in the downloaded one.
func (rt *runtime) refreshLog(ctx context.Context) error {
	rs, err := rt.client.Reviews(ctx)
	if err != nil {
		return err
	}
	rt.mu.Lock()
	if rt.session == nil {
		rt.mu.Unlock()
		return nil
	}
	uid := rt.session.User.ID
	rs = dropQueued(mergeLogs(rs, rt.log), rt.queue)
	rt.mu.Unlock()
	if err := rt.store.put(reviewLogKey(uid), rs); err != nil {
		return errors.New(storeProblem(err))
	}
	rt.mu.Lock()
	rt.log = rs
	rt.mu.Unlock()
	return nil
}

// storeProblem explains an IndexedDB failure.
func storeProblem(err error) string {
	return "The offline store failed (" + err.Error() + "). Answers may not be kept offline: reload the page; if it keeps happening, allow this site to store data in the browser settings."
}

// SignedIn makes a session from login, sign-up or setup current and keeps
// it offline, then loads the learner's data.
func (rt *runtime) SignedIn(s api.SessionResponse) error {
	rt.adoptSession(s, "")
	if err := rt.saveSession(); err != nil {
		return errors.New(storeProblem(err))
	}
	if err := rt.loadLearner(); err != nil {
		return errors.New(storeProblem(err))
	}
	rt.mu.Lock()
	rt.refreshWanted = true
	rt.mu.Unlock()
	rt.setOnline(true)
	rt.publish()
	rt.Wake()
	return nil
}

// LogOut ends the session on the server (when reachable) and on this device.
// Queued answers stay in IndexedDB and are uploaded at the next login of the
// same user.
func (rt *runtime) LogOut() error {
	err := rt.client.Logout(context.Background())
	if err != nil && !isOffline(err) && !isUnauthorized(err) {
		return err
	}
	rt.mu.Lock()
	rt.session, rt.pack, rt.log, rt.queue, rt.courseID = nil, nil, nil, nil, ""
	rt.sessionExpired, rt.problem = false, ""
	rt.client.CSRF = ""
	rt.mu.Unlock()
	rt.publish()
	if err := rt.store.delete("session"); err != nil {
		return errors.New(storeProblem(err))
	}
	return nil
}

// SelectCourse switches the course practised, loading it from IndexedDB and
// then from the server.
func (rt *runtime) SelectCourse(courseID string) error {
	rt.mu.Lock()
	rt.courseID = courseID
	rt.pack = nil
	rt.mu.Unlock()
	if err := rt.saveSession(); err != nil {
		return errors.New(storeProblem(err))
	}
	if err := rt.loadLearner(); err != nil {
		return errors.New(storeProblem(err))
	}
	err := rt.refreshContent(context.Background())
	rt.publish()
	if isOffline(err) {
		return nil
	}
	return err
}

// JoinClass joins a class by code and refreshes the session.
func (rt *runtime) JoinClass(code string) error {
	cl, err := rt.client.JoinClass(context.Background(), code)
	if err != nil {
		return err
	}
	rt.mu.Lock()
	if rt.session != nil {
		rt.session.Classes = append(rt.session.Classes, cl)
		if rt.courseID == "" {
			rt.courseID = cl.CourseID
		}
	}
	rt.mu.Unlock()
	if err := rt.saveSession(); err != nil {
		return errors.New(storeProblem(err))
	}
	if err := rt.loadLearner(); err != nil {
		return errors.New(storeProblem(err))
	}
	err = rt.refreshContent(context.Background())
	rt.publish()
	return err
}

// Record stores one answer in the IndexedDB queue and returns only once it
// is durable; then it wakes the sync loop. The event gets its UUID, device
// id and user here.
func (rt *runtime) Record(ev api.ReviewEvent) error {
	id, err := uuid.NewRandom()
	if err != nil {
		return err
	}
	rt.mu.Lock()
	if rt.session == nil {
		rt.mu.Unlock()
		return errors.New("you are logged out; log in again to practise")
	}
	uid := rt.session.User.ID
	ev.ID = id.String()
	ev.DeviceID = rt.deviceID
	rt.mu.Unlock()
	if err := rt.store.enqueue(uid, ev); err != nil {
		return errors.New(storeProblem(err))
	}
	rt.mu.Lock()
	if rt.session != nil && rt.session.User.ID == uid {
		rt.queue = append(rt.queue, queuedEvent{ID: ev.ID, Event: ev})
	}
	rt.mu.Unlock()
	rt.publish()
	rt.Wake()
	return nil
}

// Forget discards a rejected answer.
func (rt *runtime) Forget(id string) error {
	rt.mu.Lock()
	if rt.session == nil {
		rt.mu.Unlock()
		return nil
	}
	uid := rt.session.User.ID
	rt.mu.Unlock()
	if err := rt.store.forget(uid, id); err != nil {
		return errors.New(storeProblem(err))
	}
	rt.mu.Lock()
	rt.queue = slices.DeleteFunc(rt.queue, func(q queuedEvent) bool { return q.ID == id && q.Rejected != "" })
	rt.mu.Unlock()
	rt.publish()
	return nil
}

// syncLoop uploads the queue at start, every syncInterval, and whenever
// woken (an answer, the network coming back). It also runs the refreshes
// asked for after a login, so that only this goroutine ever rewrites the
// review log. It never returns.
func (rt *runtime) syncLoop() {
	tick := time.NewTicker(syncInterval)
	defer tick.Stop()
	for {
		rt.mu.Lock()
		again := rt.refreshWanted
		rt.refreshWanted = false
		rt.mu.Unlock()
		if again {
			rt.refresh()
		}
		rt.syncOnce()
		select {
		case <-rt.wake:
		case <-tick.C:
		}
	}
}

// syncOnce uploads every pending answer of the current user in batches. An
// answer leaves the queue only when the server acknowledged its id; on any
// network error the queue stays as it is and the next round retries.
func (rt *runtime) syncOnce() {
	rt.mu.Lock()
	if rt.session == nil || rt.sessionExpired {
		rt.mu.Unlock()
		return
	}
	uid := rt.session.User.ID
	rt.syncing = true
	rt.mu.Unlock()
	defer func() {
		rt.mu.Lock()
		rt.syncing = false
		rt.mu.Unlock()
		rt.publish()
	}()

	q, err := rt.store.queue(uid)
	if err != nil {
		rt.setProblem(storeProblem(err))
		return
	}
	pending := pendingEvents(q)
	if len(pending) == 0 {
		return
	}
	for len(pending) > 0 {
		n := min(len(pending), syncBatch)
		if err := rt.upload(uid, pending[:n]); err != nil {
			rt.syncFailed(err)
			return
		}
		pending = pending[n:]
	}
	rt.mu.Lock()
	rt.problem = ""
	rt.mu.Unlock()
	rt.setOnline(true)
}

// pendingEvents are the queued answers not rejected, oldest first.
func pendingEvents(q []queuedEvent) []api.ReviewEvent {
	var evs []api.ReviewEvent
	for _, e := range q {
		if e.Rejected == "" {
			evs = append(evs, e.Event)
		}
	}
	sortReviews(evs)
	return evs
}

// upload sends one batch and records the server's acks and rejections.
func (rt *runtime) upload(uid int64, batch []api.ReviewEvent) error {
	resp, err := rt.client.SyncReviews(context.Background(), batch)
	if err != nil {
		return err
	}
	if err := rt.store.ack(uid, resp.Acked, resp.Rejected); err != nil {
		return errors.New(storeProblem(err))
	}
	rt.applyAck(uid, resp)
	rt.publish()
	return nil
}

// applyAck mirrors store.ack in memory.
func (rt *runtime) applyAck(uid int64, resp api.SyncResponse) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.session == nil || rt.session.User.ID != uid {
		return
	}
	acked := make(map[string]bool, len(resp.Acked))
	for _, id := range resp.Acked {
		acked[id] = true
	}
	reasons := make(map[string]string, len(resp.Rejected))
	for _, r := range resp.Rejected {
		reasons[r.ID] = r.Message
		if reasons[r.ID] == "" {
			reasons[r.ID] = "rejected"
		}
	}
	kept := rt.queue[:0]
	for _, q := range rt.queue {
		switch {
		case acked[q.ID]:
			rt.log = append(rt.log, q.Event)
		case reasons[q.ID] != "":
			q.Rejected = reasons[q.ID]
			kept = append(kept, q)
		default:
			kept = append(kept, q)
		}
	}
	rt.queue = kept
}

// syncFailed notes why an upload failed; the answers stay queued.
func (rt *runtime) syncFailed(err error) {
	switch {
	case isOffline(err):
		rt.setOnline(false)
	case isUnauthorized(err):
		rt.mu.Lock()
		rt.sessionExpired = true
		rt.mu.Unlock()
		rt.publish()
	default:
		rt.setProblem(err.Error())
	}
}

// modelLoop keeps the on-device model: it loads the one this device
// keeps (offline too), then asks the server for the class's current one
// after every refresh (start, login, back online) and every
// modelSyncInterval. Downloads run here, never in the answers' sync loop.
func (rt *runtime) modelLoop() {
	if rt.engine == nil {
		return
	}
	tick := time.NewTicker(modelSyncInterval)
	defer tick.Stop()
	for {
		rt.syncModel()
		select {
		case <-rt.modelKick:
		case <-tick.C:
		}
	}
}

// kickModel asks the model loop to sync now.
func (rt *runtime) kickModel() {
	select {
	case rt.modelKick <- struct{}{}:
	default:
	}
}

// syncModel starts the engine with the key pinned at login (loading the
// model kept on this device) and, online, installs the class's current
// model when the server has another one. Failures are retried at the next
// round; the loaded model keeps working.
func (rt *runtime) syncModel() {
	rt.mu.Lock()
	e, key, online := rt.engine, "", rt.online
	if rt.session != nil && !rt.sessionExpired {
		key = rt.session.ModelKey
	}
	rt.mu.Unlock()
	if key == "" {
		return
	}
	if err := e.Start(key); err != nil {
		consoleWarn("tutor: the on-device model did not start: " + err.Error())
		return
	}
	rt.publish()
	if !online {
		return
	}
	changed, err := e.Sync()
	if err != nil {
		consoleWarn("tutor: model update: " + err.Error())
	}
	if changed {
		rt.publish()
	}
}

// consoleWarn writes to the browser's console, where a teacher helping a
// learner can read what went wrong in the background.
func consoleWarn(msg string) {
	if app.IsClient {
		app.Window().Get("console").Call("warn", msg)
	}
}
