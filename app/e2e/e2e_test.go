package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	tutorapp "github.com/tutor-dev/tutor/app"
	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/app/course"
	"github.com/tutor-dev/tutor/server/api"
	"github.com/tutor-dev/tutor/server/sqlite"
)

// Set by TestMain: the app.wasm built from this tree, or why there is none,
// and the browser to drive, or why there is none. A missing browser is a
// failure, never a skip: ./build.sh installs Chromium.
var (
	wasmPath    string
	wasmErr     error
	enginePath  string // the engine's infer.wasm, built like app.wasm
	engineErr   error
	browserPath string
	browserErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tutor-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	browserPath, browserErr = findBrowser()
	if browserErr == nil {
		wasmPath, wasmErr = buildWasm(dir, "app.wasm", "./wasm/app")
		enginePath, engineErr = buildWasm(dir, "infer.wasm", "./wasm/infer")
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// findBrowser returns Chromium's binary. /usr/bin/chromium is a shell
// wrapper on Debian; the real binary is /usr/lib/chromium/chromium.
func findBrowser() (string, error) {
	if p := os.Getenv("TUTOR_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, p := range []string{"/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("Chromium is not installed: run ./build.sh (it installs the Debian package chromium), or set TUTOR_CHROMIUM to a Chrome or Chromium binary")
}

// buildWasm compiles the package pkg (./wasm/app, ./wasm/infer) into
// dir/name. Go's build cache makes it take about a second when nothing
// changed.
func buildWasm(dir, name, pkg string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s (GOOS=js GOARCH=wasm go build %s): %v\n%s", name, pkg, err, b)
	}
	return out, nil
}

func moduleRoot() (string, error) {
	b, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(b))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the tutor module")
	}
	return filepath.Dir(gomod), nil
}

// webFiles is the embedded app/web folder with the freshly built app.wasm
// and engine (infer.wasm; kernels.wasm as ./build.sh build compiled it).
func webFiles(t testing.TB) fs.FS {
	t.Helper()
	files := fstest.MapFS{}
	err := fs.WalkDir(tutorapp.Web, "web", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := tutorapp.Web.ReadFile(path)
		if err != nil {
			return err
		}
		files[strings.TrimPrefix(path, "web/")] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		t.Fatal(err)
	}
	files["app.wasm"] = &fstest.MapFile{Data: wasm}
	delete(files, "app.wasm.gz") // a stale one from a build would not match
	if err := addEngine(files); err != nil {
		t.Fatal(err)
	}
	return files
}

// addEngine puts the on-device engine's files in files: infer.wasm built
// for this run, kernels.wasm from app/web (C, compiled by ./build.sh
// build) and Go's wasm_exec.js.
func addEngine(files fstest.MapFS) error {
	if engineErr != nil {
		return engineErr
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	for name, path := range map[string]string{
		"infer.wasm":   enginePath,
		"kernels.wasm": filepath.Join(root, "app", "web", "kernels.wasm"),
		"wasm_exec.js": filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"),
	} {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("the engine's %s: %w (run ./build.sh build, which compiles the kernels with clang)", name, err)
		}
		files[name] = &fstest.MapFile{Data: b}
	}
	delete(files, "infer.wasm.gz")
	return nil
}

// server is the classroom server on a fixed loopback address that the test
// can take down and bring back, as a network outage would.
type server struct {
	t       testing.TB
	addr    string
	handler http.Handler
	mu      sync.Mutex
	srv     *http.Server
}

func startServer(t testing.TB, h http.Handler) *server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, addr: ln.Addr().String(), handler: h}
	s.serve(ln)
	t.Cleanup(s.down)
	return s
}

func (s *server) url() string { return "http://" + s.addr }

func (s *server) serve(ln net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
}

// down closes the listener and every connection.
func (s *server) down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		s.srv.Close()
		s.srv = nil
	}
}

// up listens again on the same address (same origin for the browser).
func (s *server) up() {
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("listening again on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

// apiClient is a script's view of the API: a cookie jar and the CSRF token.
type apiClient struct {
	t    testing.TB
	base string
	http *http.Client
	csrf string
}

func newAPIClient(t testing.TB, base string) *apiClient {
	jar, _ := cookiejar.New(nil)
	return &apiClient{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

func (c *apiClient) do(method, path string, body, out any, want int) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	if s, ok := out.(*wire.SessionResponse); ok && s.CSRFToken != "" {
		c.csrf = s.CSRFToken
	}
}

// testPack is a small course whose first eight items cover every kind.
func testPack(t testing.TB) course.Pack {
	item := func(id, kind, prompt string, answers ...string) course.Item {
		return course.Item{ID: id, Kind: kind, Level: "A1", Skills: []string{"vocabulary"}, Prompt: prompt, Answers: answers}
	}
	choice := func(id, prompt, answer string, choices ...string) course.Item {
		it := item(id, course.KindChoice, prompt, answer)
		it.Choices = choices
		return it
	}
	order := func(id, answer string, tokens ...string) course.Item {
		it := item(id, course.KindOrder, "Put the words in order.", answer)
		it.Tokens = tokens
		return it
	}
	p := course.Pack{Schema: course.SchemaVersion, Course: course.Course{
		ID: "e2e-en", Title: "E2E English", TargetLang: "en", SourceLang: "zh-CN",
		Units: []course.Unit{
			{ID: "u1", Title: "Greetings", Lessons: []course.Lesson{{ID: "u1-l1", Title: "Hello", Items: []course.Item{
				item("w-hello", course.KindVocab, "你好", "hello"),
				choice("m-am", "I ___ a student.", "am", "is", "am", "are"),
				item("c-name", course.KindCloze, "My ___ is Li Ming.", "name"),
				order("o-tea", "I like tea", "tea", "I", "like"),
				item("t-thanks", course.KindTranslate, "谢谢你。", "Thank you.", "Thanks."),
			}}}},
			{ID: "u2", Title: "Food", Lessons: []course.Lesson{{ID: "u2-l1", Title: "Meals", Items: []course.Item{
				item("w-apple", course.KindVocab, "苹果", "apple"),
				choice("m-goes", "She ___ to school.", "goes", "go", "goes"),
				order("o-rice", "He eats rice", "rice", "eats", "He"),
				item("w-water", course.KindVocab, "水", "water"),
				item("c-cat", course.KindCloze, "The ___ sat on the mat.", "cat"),
			}}}},
		},
	}}
	// Check it the way an import does.
	b, _ := json.Marshal(p)
	decoded, err := course.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("test pack is invalid: %v", err)
	}
	return decoded
}

// browser is one headless Chromium tab with its console kept for failures.
type browser struct {
	t   testing.TB
	ctx context.Context
	mu  sync.Mutex
	log []string
	out string
}

func newBrowser(t testing.TB, timeout time.Duration) *browser {
	if browserErr != nil {
		t.Fatal(browserErr)
	}
	if wasmErr != nil {
		t.Fatal(wasmErr)
	}
	b := &browser{t: t, out: t.ArtifactDir()}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browserPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 900),
	)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(b.listen))
	t.Cleanup(cancelTab)
	b.ctx = tabCtx
	t.Cleanup(func() {
		if t.Failed() {
			b.mu.Lock()
			t.Logf("browser console:\n%s", strings.Join(b.log, "\n"))
			b.mu.Unlock()
			b.screenshot("failure")
		}
	})
	return b
}

func (b *browser) listen(ev any) {
	var line string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		}
		line = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
	case *runtime.EventExceptionThrown:
		line = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			line += " " + ev.ExceptionDetails.Exception.Description
		}
	default:
		return
	}
	b.mu.Lock()
	b.log = append(b.log, line)
	b.mu.Unlock()
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// waitFor polls a JavaScript expression until it is truthy and returns its
// value as a string.
func (b *browser) waitFor(what, expr string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Poll[any](expr,
		chromedp.WithPollingTimeout(30*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		b.t.Fatalf("waiting for %s (%s): %v", what, expr, err)
	}
	return fmt.Sprint(v)
}

// attr is the JavaScript reading attribute name of the element with id.
func attr(id, name string) string {
	return fmt.Sprintf(`(document.getElementById(%q) || {getAttribute: () => null}).getAttribute(%q)`, id, name)
}

func (b *browser) waitAttr(id, name, want string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("#%s[%s=%q]", id, name, want), attr(id, name)+" === "+fmt.Sprintf("%q", want))
}

// click clicks the element with id once it is there and enabled. It calls
// the element's click() rather than moving the mouse, so that a layout
// shift (a notice appearing) cannot make the click land elsewhere.
func (b *browser) click(id string) {
	b.t.Helper()
	b.waitFor("#"+id+" enabled", fmt.Sprintf(`(() => { const e = document.getElementById(%q); return !!e && !e.disabled; })()`, id))
	b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).click()`, id)))
}

// retype empties the field with id, as a user selecting its text and
// deleting it would (an input event tells the app), then types text.
func (b *browser) retype(id, text string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(() => { const e = document.getElementById(%q); e.value = ""; e.dispatchEvent(new Event("input", {bubbles: true})); })()`, id)))
	b.do(chromedp.SendKeys(chromedp.ID(id), text))
}

func (b *browser) screenshot(name string) {
	buf, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(b.out, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	b.t.Logf("screenshot: %s", path)
}

// setNetwork takes the tab (and its service worker) off the network or puts
// it back, and tells the page through navigator.onLine.
func (b *browser) setNetwork(online bool) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		b.t.Fatal(err)
	}
	offline := !online
	conditions := []*network.Conditions{}
	if offline {
		conditions = append(conditions, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	}
	if _, err := chromedp.Call(b.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &offline, MatchedNetworkConditions: conditions}); err != nil {
		b.t.Fatalf("emulating network conditions: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		b.t.Fatalf("overriding navigator.onLine: %v", err)
	}
}

// answer answers the card on screen correctly, using the pack to know the
// answer, goes on, and returns the item id. n is the count of answers the
// session shows afterwards.
func (b *browser) answer(items map[string]course.Item, prev string, n int) string {
	b.t.Helper()
	got := b.waitFor("a new card", fmt.Sprintf(
		`(() => { const c = document.getElementById("card"); return c && c.dataset.checked === "false" && c.dataset.item !== %q ? c.dataset.item : ""; })()`, prev))
	it, ok := items[got]
	if !ok {
		b.t.Fatalf("the card shows unknown item %q", got)
	}
	switch it.Kind {
	case course.KindChoice:
		b.click(fmt.Sprintf("choice-%d", indexOf(it.Choices, it.Answers[0])))
	case course.KindOrder:
		used := map[int]bool{}
		for _, w := range strings.Fields(it.Answers[0]) {
			for i, tok := range it.Tokens {
				if tok == w && !used[i] {
					used[i] = true
					b.click(fmt.Sprintf("token-%d", i))
					break
				}
			}
		}
		b.click("check")
	default:
		b.do(chromedp.SendKeys(chromedp.ID("answer"), it.Answers[0]))
		b.click("check")
	}
	b.waitAttr("feedback", "data-correct", "true")
	b.click("continue")
	b.waitAttr("answered-count", "data-value", fmt.Sprint(n))
	return got
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// newEnv starts the real server over a fresh SQLite file holding the test
// course, serving the PWA built for this run under a new version; opts may
// add to the server's options (a grammar checker, say).
func newEnv(t testing.TB, opts ...func(*api.Options)) (*sqlite.DB, *server, string, course.Pack) {
	t.Helper()
	if browserErr != nil {
		t.Fatal(browserErr)
	}
	if wasmErr != nil {
		t.Fatal(wasmErr)
	}
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "tutor.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	pack := testPack(t)
	if err := store.ImportCourse(context.Background(), pack); err != nil {
		t.Fatal(err)
	}
	version := fmt.Sprintf("e2e-%d", time.Now().UnixNano())
	o := api.Options{
		Store:  store,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		App:    tutorapp.NewHandler(version, webFiles(t)),
	}
	for _, f := range opts {
		f(&o)
	}
	srv := startServer(t, api.New(o))
	return store, srv, version, pack
}

// teacherClass makes, through the API, the admin, the teacher "wang" and
// her class "Class 3" for pack's course, and returns the class and the
// teacher's logged-in client.
func teacherClass(t testing.TB, store *sqlite.DB, srv *server, pack course.Pack) (wire.Class, *apiClient) {
	t.Helper()
	token, err := api.EnsureSetupToken(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	admin := newAPIClient(t, srv.url())
	admin.do("POST", "/api/v1/setup", wire.SetupRequest{Token: token, Username: "admin", Password: "admin-password-1"}, &wire.SessionResponse{}, http.StatusCreated)
	admin.do("POST", "/api/v1/users", wire.CreateUserRequest{Username: "wang", Password: "teacher-password-1", DisplayName: "Ms Wang", Role: "teacher"}, nil, http.StatusCreated)
	teacher := newAPIClient(t, srv.url())
	teacher.do("POST", "/api/v1/auth/login", wire.LoginRequest{Username: "wang", Password: "teacher-password-1"}, &wire.SessionResponse{}, http.StatusOK)
	var class wire.Class
	teacher.do("POST", "/api/v1/classes", wire.CreateClassRequest{Name: "Class 3", CourseID: pack.Course.ID}, &class, http.StatusCreated)
	return class, teacher
}

func packItems(p course.Pack) map[string]course.Item {
	items := map[string]course.Item{}
	for _, u := range p.Course.Units {
		for _, l := range u.Lessons {
			for _, it := range l.Items {
				items[it.ID] = it
			}
		}
	}
	return items
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestE2EOfflineSync is the student loop with a network outage: sign up with
// a join code, practise 5 items online, lose the network, answer 3 more,
// reload the page offline (it starts from the service worker's cache and
// shows 3 answers waiting), get the network back, and find exactly 8
// reviews on the server, each once.
func TestE2EOfflineSync(t *testing.T) {
	start := time.Now()
	ctx := context.Background()
	store, srv, version, pack := newEnv(t)
	items := packItems(pack)

	class, teacher := teacherClass(t, store, srv, pack)
	t.Logf("server %s, class join code %s (setup %v)", srv.url(), class.JoinCode, time.Since(start).Round(time.Millisecond))

	b := newBrowser(t, 120*time.Second)

	// Sign up in the browser with the join code.
	b.do(chromedp.Navigate(srv.url() + "/"))
	b.waitAttr("landing", "data-ready", "true")
	b.do(
		chromedp.SendKeys(chromedp.ID("signup-code"), class.JoinCode),
		chromedp.SendKeys(chromedp.ID("signup-name"), "Mei"),
		chromedp.SendKeys(chromedp.ID("signup-username"), "mei"),
		chromedp.SendKeys(chromedp.ID("signup-password"), "student-password-1"),
	)
	b.click("signup-submit")
	b.waitFor("the dashboard with the course", `document.getElementById("practise") !== null`)
	student, _, err := store.UserCredentials(ctx, "mei")
	if err != nil {
		t.Fatalf("the student is not in the store after signing up: %v", err)
	}
	b.screenshot("1-dashboard")

	// The service worker must hold the whole app before the network goes.
	b.waitFor("the service worker's precache", fmt.Sprintf(`(async () => {
		const c = await caches.open("app-" + %q);
		for (const p of ["/", "/dashboard", "/practice", "/web/app.wasm", "/web/store.js", "/app.js", "/wasm_exec.js"]) {
			if (!(await c.match(p))) return false;
		}
		return true;
	})()`, version))

	// Five answers online; each reaches the server.
	b.click("practise")
	var answered []string
	prev := ""
	for n := 1; n <= 5; n++ {
		prev = b.answer(items, prev, n)
		answered = append(answered, prev)
	}
	b.waitAttr("pending-count", "data-pending", "0")
	if n, err := store.CountReviews(ctx, student.ID); err != nil || n != 5 {
		t.Fatalf("after 5 answers online the server holds %d reviews (%v), want 5", n, err)
	}
	b.screenshot("2-online-5-answers")

	// The network goes: the browser is offline and the server unreachable.
	b.setNetwork(false)
	srv.down()
	b.waitAttr("net-status", "data-online", "false")
	for n := 6; n <= 8; n++ {
		prev = b.answer(items, prev, n)
		answered = append(answered, prev)
	}
	b.waitAttr("pending-count", "data-pending", "3")
	b.screenshot("3-offline-3-pending")

	// Reload while offline: the app starts from the service worker's cache
	// and the answers are still waiting in IndexedDB.
	b.do(chromedp.Reload())
	b.waitAttr("practice", "data-ready", "true")
	b.waitAttr("pending-count", "data-pending", "3")
	b.waitAttr("net-status", "data-online", "false")
	b.screenshot("4-reloaded-offline")
	if n, _ := store.CountReviews(ctx, student.ID); n != 5 {
		t.Fatalf("while offline the server holds %d reviews, want 5", n)
	}

	// The network comes back: the queue drains.
	srv.up()
	b.setNetwork(true)
	b.waitAttr("pending-count", "data-pending", "0")
	b.waitAttr("net-status", "data-online", "true")
	b.screenshot("5-back-online-synced")

	checkStoredReviews(t, store, student.ID, answered)

	// The teacher sees the same eight answers.
	var progress wire.ClassProgress
	teacher.do("GET", fmt.Sprintf("/api/v1/classes/%d/progress", class.ID), nil, &progress, http.StatusOK)
	if len(progress.Students) != 1 || progress.Students[0].Reviews != 8 {
		t.Errorf("class progress: %+v, want one student with 8 reviews", progress.Students)
	}

	// The language switch is remembered across reloads.
	b.click("lang-zh-CN")
	b.waitFor("the Chinese interface", `document.getElementById("net-status").textContent === "在线"`)
	b.do(chromedp.Reload())
	b.waitAttr("practice", "data-ready", "true")
	b.waitFor("Chinese after a reload", `document.getElementById("net-status").textContent === "在线"`)
	b.screenshot("6-chinese")
	t.Logf("end to end in %v", time.Since(start).Round(time.Millisecond))
}

// checkStoredReviews checks that the server holds exactly the answered
// items, each once, with client-made UUIDs from one device.
func checkStoredReviews(t *testing.T, store *sqlite.DB, userID int64, answered []string) {
	t.Helper()
	reviews, err := store.Reviews(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reviews) != 8 {
		t.Fatalf("the server holds %d reviews for the student, want exactly 8", len(reviews))
	}
	ids := map[string]bool{}
	items := map[string]int{}
	devices := map[string]bool{}
	for _, r := range reviews {
		if ids[r.ID] {
			t.Errorf("review %s is stored twice", r.ID)
		}
		ids[r.ID] = true
		items[r.ItemID]++
		devices[r.DeviceID] = true
		if !uuidV4.MatchString(r.ID) {
			t.Errorf("review id %q is not a UUID v4", r.ID)
		}
		if !r.Correct || r.Rating < 2 || r.DurationMS <= 0 || r.AnsweredAt.IsZero() {
			t.Errorf("review %+v: want a correct answer with rating ≥ 2, a duration and a time", r)
		}
	}
	for _, id := range answered {
		if items[id] != 1 {
			t.Errorf("item %s has %d reviews, want 1", id, items[id])
		}
	}
	if len(devices) != 1 || devices[""] {
		t.Errorf("device ids %v, want one non-empty id", devices)
	}
}
