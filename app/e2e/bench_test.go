package e2e_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	tutorapp "github.com/tutor-dev/tutor/app"
	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server/api"
	"github.com/tutor-dev/tutor/server/sqlite"
)

// What "interactive" means for each page: a CSS selector that matches only
// once the WebAssembly app has started, read the browser's offline store
// (IndexedDB) and re-rendered the page with its event handlers attached. The
// server's own HTML for a page always says data-ready="false" (it has no
// offline store), so only the running wasm can make these match;
// BenchmarkPageLoad checks that before it measures.
const (
	// The front page: log-in and sign-up forms usable.
	landingInteractive = `#landing[data-ready="true"]`
	// A student's dashboard with their course computed on the device from the
	// stored content and review log: the "Practise" button is there.
	dashboardInteractive = `#dashboard[data-ready="true"] #practise`
)

// The page variables that record when the page became interactive: as
// Date.now() (milliseconds since the Unix epoch, to compare with the
// benchmark's clock) and as performance.now() (milliseconds since the
// browser started the navigation, to compare with resource timings).
const (
	interactiveMark     = "__tutorInteractiveAt"
	interactivePerfMark = "__tutorInteractivePerf"
)

// BenchmarkPageLoad measures the time from navigation to an interactive
// page in headless Chromium, for the app as build.sh builds and the server
// serves it: app.wasm built with -trimpath -ldflags=-s and sent gzipped
// (gzip -9), from the real server over a SQLite file on loopback.
//
// ms-to-interactive is the median (nearest rank) over the b.N navigations
// of a round, p90-ms the 90th percentile (nearest rank, so the slowest one
// when b.N < 10). Each figure runs from just before the benchmark sends
// Page.navigate to the moment the page's interactive selector (see
// landingInteractive and dashboardInteractive) first matches. That moment
// is taken inside the page: a script that Chromium runs in every new
// document before the page's own scripts puts a MutationObserver on the
// document and stores Date.now() as soon as a DOM change makes the selector
// match, so how often the benchmark polls for the result does not enter
// the figure. Both ends are read from the same system clock.
//
// ms-after-wasm is the median time from the end of the app.wasm response
// (its Resource Timing responseEnd) to the page becoming interactive: what
// is left of the wasm's compilation once the download is over (streaming
// compilation overlaps the two), the Go runtime's start, reading IndexedDB
// and the render. The rest of ms-to-interactive is the page, scripts and
// wasm reaching the page, from the network or the service worker's cache.
//
//   - cold: the front page in a new Chromium with an empty profile for every
//     navigation (no HTTP cache, no service worker, no IndexedDB), so the
//     page, app.js and the gzipped app.wasm come over the network and the
//     wasm is compiled. The browser is started and shows about:blank before
//     the clock starts.
//   - warm: the front page in one browser whose service worker has already
//     cached the whole app and which has opened it twice before; each
//     navigation starts from about:blank, as a student opening the app again.
//   - warm-dashboard: as warm, for /dashboard of a logged-in student whose
//     course is stored on the device.
//
// A page that does not become interactive within a minute fails the
// benchmark; nothing else about the figures is checked.
func BenchmarkPageLoad(b *testing.B) {
	env := newBenchEnv(b)
	b.Run("cold", func(b *testing.B) { benchColdLanding(b, env) })
	b.Run("warm", func(b *testing.B) { benchWarmLanding(b, env) })
	b.Run("warm-dashboard", func(b *testing.B) { benchWarmDashboard(b, env) })
}

func benchColdLanding(b *testing.B, env *benchEnv) {
	b.StopTimer()
	b.Logf("app.wasm served: %d bytes, gzipped %d bytes", env.wasmSize, env.gzipSize)
	var loads []pageLoad
	for range b.N {
		br := newBrowser(b, 2*time.Minute)
		br.do(chromedp.Navigate("about:blank"))
		markWhenInteractive(br, landingInteractive)
		loads = append(loads, timeLoad(b, br, env.srv.url()+"/"))
		closeBrowser(br)
	}
	reportLoads(b, loads)
}

func benchWarmLanding(b *testing.B, env *benchEnv) {
	b.StopTimer()
	br := newBrowser(b, 10*time.Minute)
	br.do(chromedp.Navigate("about:blank"))
	markWhenInteractive(br, landingInteractive)
	timeLoad(b, br, env.srv.url()+"/") // the first visit installs the app
	waitPrecached(br, env.version)
	loads := warmLoads(b, br, env.srv.url()+"/")
	closeBrowser(br)
	reportLoads(b, loads)
}

func benchWarmDashboard(b *testing.B, env *benchEnv) {
	b.StopTimer()
	br := newBrowser(b, 10*time.Minute)
	env.signUpStudent(br)
	waitPrecached(br, env.version)
	br.do(chromedp.Navigate("about:blank"))
	markWhenInteractive(br, dashboardInteractive)
	loads := warmLoads(b, br, env.srv.url()+"/dashboard")
	closeBrowser(br)
	reportLoads(b, loads)
}

// warmLoads opens url twice unmeasured (so that whatever the browser keeps
// after a visit, such as compiled code, is there), then b.N times measured.
// Each measured page must be controlled by the service worker: otherwise
// it was not a warm start.
func warmLoads(b *testing.B, br *browser, url string) []pageLoad {
	b.Helper()
	var loads []pageLoad
	for i := range 2 + b.N {
		br.do(chromedp.Navigate("about:blank"))
		took := timeLoad(b, br, url)
		if i < 2 {
			continue
		}
		loads = append(loads, took)
		if !evalBool(br, `navigator.serviceWorker.controller !== null`) {
			b.Fatalf("%s was not served by the service worker, so the load was not warm", url)
		}
	}
	return loads
}

// markWhenInteractive makes every document the tab opens from now on
// record in window[interactiveMark] the time selector first matches.
func markWhenInteractive(br *browser, selector string) {
	br.t.Helper()
	script := fmt.Sprintf(`(() => {
	const mark = () => {
		if (window[%[1]q] === undefined && document.querySelector(%[2]q) !== null) {
			window[%[1]q] = Date.now();
			window[%[3]q] = performance.now();
			observer.disconnect();
		}
	};
	const observer = new MutationObserver(mark);
	observer.observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ["data-ready"]});
})();`, interactiveMark, selector, interactivePerfMark)
	if _, err := chromedp.Call(br.ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: script}); err != nil {
		br.t.Fatalf("installing the interactive-page observer: %v", err)
	}
}

// pageLoad is one measured navigation, in milliseconds.
type pageLoad struct {
	toInteractive float64 // from just before Page.navigate
	afterWasm     float64 // from the end of the app.wasm response; negative if unknown
}

// timeLoad navigates to url and measures the time until the page is
// interactive. The benchmark timer runs only during it.
func timeLoad(b *testing.B, br *browser, url string) pageLoad {
	b.Helper()
	b.StartTimer()
	start := time.Now()
	br.do(chromedp.Navigate(url))
	at, err := chromedp.Run(br.ctx, chromedp.Poll[float64]("window."+interactiveMark,
		chromedp.WithPollingTimeout(time.Minute), chromedp.WithPollingInterval(10*time.Millisecond)))
	b.StopTimer()
	if err != nil {
		b.Fatalf("%s did not become interactive within a minute: %v", url, err)
	}
	afterWasm, err := chromedp.Run(br.ctx, chromedp.Evaluate[float64](fmt.Sprintf(`(() => {
		const e = performance.getEntriesByName(new URL("/web/app.wasm", location.href).href)[0];
		return e ? window[%q] - e.responseEnd : -1;
	})()`, interactivePerfMark)))
	if err != nil {
		b.Fatalf("reading the resource timing of app.wasm: %v", err)
	}
	return pageLoad{toInteractive: at - float64(start.UnixNano())/1e6, afterWasm: afterWasm}
}

func evalBool(br *browser, expr string) bool {
	br.t.Helper()
	v, err := chromedp.Run(br.ctx, chromedp.Evaluate[bool](expr))
	if err != nil {
		br.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// closeBrowser ends the browser process now rather than at the end of the
// benchmark, so that idle browsers do not share the CPU with the measured
// one.
func closeBrowser(br *browser) {
	ctx, cancel := context.WithTimeout(br.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Cancel(ctx); err != nil {
		br.t.Logf("closing the browser: %v", err)
	}
}

// waitPrecached waits until the service worker of this app version holds
// the pages and the wasm, which is what a warm start is served from.
func waitPrecached(br *browser, version string) {
	br.t.Helper()
	br.waitFor("the service worker's precache", fmt.Sprintf(`(async () => {
		const c = await caches.open("app-" + %q);
		for (const p of ["/", "/dashboard", "/web/app.wasm", "/app.js", "/wasm_exec.js"]) {
			if (!(await c.match(p))) return false;
		}
		return true;
	})()`, version))
}

func reportLoads(b *testing.B, loads []pageLoad) {
	var ms, afterWasm []float64
	for _, l := range loads {
		ms = append(ms, l.toInteractive)
		if l.afterWasm >= 0 {
			afterWasm = append(afterWasm, l.afterWasm)
		}
	}
	slices.Sort(ms)
	slices.Sort(afterWasm)
	b.ReportMetric(nearestRank(ms, 0.5), "ms-to-interactive")
	b.ReportMetric(nearestRank(ms, 0.9), "p90-ms")
	if len(afterWasm) > 0 {
		b.ReportMetric(nearestRank(afterWasm, 0.5), "ms-after-wasm")
	}
	// The timer runs only during measured loads, so that -benchtime with a
	// duration can size b.N, but it also counts waiting for the load event
	// and polling: the figures above are the measurement.
	b.ReportMetric(0, "ns/op")
	b.Logf("b.N=%d, ms to interactive (sorted): %.0f, of which after app.wasm arrived: %.0f; load average %s",
		b.N, ms, afterWasm, loadAverage())
}

// nearestRank is the q-quantile of sorted xs by the nearest-rank method.
func nearestRank(sorted []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// benchEnv is one server for all of BenchmarkPageLoad: the production
// build of the app, a test course, an admin, a teacher and a class that
// students join.
type benchEnv struct {
	srv      *server
	version  string
	joinCode string
	wasmSize int
	gzipSize int
	students atomic.Int64
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	wasm, gz := servedWasm(b)
	files := webFiles(b).(fstest.MapFS)
	files["app.wasm"] = &fstest.MapFile{Data: wasm}
	files["app.wasm.gz"] = &fstest.MapFile{Data: gz}

	store, err := sqlite.Open(filepath.Join(b.TempDir(), "tutor.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	pack := testPack(b)
	ctx := context.Background()
	if err := store.ImportCourse(ctx, pack); err != nil {
		b.Fatal(err)
	}
	env := &benchEnv{version: fmt.Sprintf("bench-%d", time.Now().UnixNano()), wasmSize: len(wasm), gzipSize: len(gz)}
	env.srv = startServer(b, api.New(api.Options{
		Store:  store,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		App:    tutorapp.NewHandler(env.version, files),
	}))
	checkNotReadyBeforeWasm(b, env.srv.url())

	token, err := api.EnsureSetupToken(ctx, store)
	if err != nil {
		b.Fatal(err)
	}
	admin := newAPIClient(b, env.srv.url())
	admin.do("POST", "/api/v1/setup", wire.SetupRequest{Token: token, Username: "admin", Password: "admin-password-1"}, &wire.SessionResponse{}, http.StatusCreated)
	admin.do("POST", "/api/v1/users", wire.CreateUserRequest{Username: "wang", Password: "teacher-password-1", DisplayName: "Ms Wang", Role: "teacher"}, nil, http.StatusCreated)
	teacher := newAPIClient(b, env.srv.url())
	teacher.do("POST", "/api/v1/auth/login", wire.LoginRequest{Username: "wang", Password: "teacher-password-1"}, &wire.SessionResponse{}, http.StatusOK)
	var class wire.Class
	teacher.do("POST", "/api/v1/classes", wire.CreateClassRequest{Name: "Bench class", CourseID: pack.Course.ID}, &class, http.StatusCreated)
	env.joinCode = class.JoinCode
	return env
}

// checkNotReadyBeforeWasm fails if the server's HTML already marks a page
// ready: then the interactive selectors would match before the app ran and
// the benchmark would time the wrong thing.
func checkNotReadyBeforeWasm(b *testing.B, base string) {
	b.Helper()
	for _, path := range []string{"/", "/dashboard"} {
		res, err := http.Get(base + path)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		if strings.Contains(string(body), `data-ready="true"`) {
			b.Fatalf("the server's HTML for %s already says data-ready=\"true\"; the benchmark needs a mark only the wasm sets", path)
		}
	}
}

// signUpStudent signs a new student up through the front page and waits
// for their dashboard with the course downloaded to the device.
func (env *benchEnv) signUpStudent(br *browser) {
	br.t.Helper()
	n := env.students.Add(1)
	br.do(chromedp.Navigate(env.srv.url() + "/"))
	br.waitAttr("landing", "data-ready", "true")
	br.do(
		chromedp.SendKeys(chromedp.ID("signup-code"), env.joinCode),
		chromedp.SendKeys(chromedp.ID("signup-name"), fmt.Sprintf("Student %d", n)),
		chromedp.SendKeys(chromedp.ID("signup-username"), fmt.Sprintf("student%d", n)),
		chromedp.SendKeys(chromedp.ID("signup-password"), "student-password-1"),
	)
	br.click("signup-submit")
	br.waitFor("the dashboard with the course", `document.querySelector(`+fmt.Sprintf("%q", dashboardInteractive)+`) !== null`)
}

// The app as build.sh builds it, made once per test binary.
var (
	servedOnce sync.Once
	servedRaw  []byte
	servedGzip []byte
	servedErr  error
)

// servedWasm returns app.wasm built as build.sh builds it and its gzip -9
// form, the bytes a browser that accepts gzip downloads.
func servedWasm(b *testing.B) (raw, gz []byte) {
	b.Helper()
	if browserErr != nil {
		b.Fatal(browserErr)
	}
	if wasmErr != nil {
		b.Fatal(wasmErr)
	}
	servedOnce.Do(func() { servedRaw, servedGzip, servedErr = buildServedWasm(filepath.Dir(wasmPath)) })
	if servedErr != nil {
		b.Fatal(servedErr)
	}
	return servedRaw, servedGzip
}

func buildServedWasm(dir string) (raw, gz []byte, err error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, nil, err
	}
	out := filepath.Join(dir, "served.wasm")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s", "-o", out, "./wasm/app")
	build.Dir = root
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := build.CombinedOutput(); err != nil {
		return nil, nil, fmt.Errorf("building app.wasm as build.sh does (GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s ./wasm/app): %v\n%s", err, msg)
	}
	if raw, err = os.ReadFile(out); err != nil {
		return nil, nil, err
	}
	// The gzip program, as build.sh uses it, so the bytes match what it serves.
	if gz, err = exec.Command("gzip", "-9", "-c", out).Output(); err != nil {
		return nil, nil, fmt.Errorf("gzip -9 app.wasm: %v (install the Debian package gzip)", err)
	}
	return raw, gz, nil
}
