package e2e_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The fixed sample set of BenchmarkBrowserForward.
const (
	// Untimed forward passes before the timed ones of each T, in batches of
	// forwardWarmupBatch: for at least forwardWarmup, then until a batch's
	// median is within forwardSettled of the fastest batch's, for at most
	// forwardWarmupMax. A fixed count is not enough: V8 compiles hot wasm
	// functions with its optimizing tier in the background, and on a busy
	// 2-core machine the passes kept getting faster for seconds after 10
	// warm-ups.
	forwardWarmup      = 5 * time.Second
	forwardWarmupMax   = 30 * time.Second
	forwardWarmupBatch = 10
	forwardSettled     = 1.10
	forwardRuns        = 30 // timed forward passes per b.N iteration
	peerVersion        = "1.30.0"
)

// Where the benchmark finds the peer. Both are outside the repository.
const (
	ortDirEnv   = "TUTOR_ORT_DIR"   // onnxruntime-web's dist folder
	peersDirEnv = "TUTOR_PEERS_DIR" // student_fp32.onnx and student_int8.onnx; default ../shared/peers
	ortInstall  = "mkdir -p /work/peers/ort && cd /work/peers/ort && npm install onnxruntime-web@" + peerVersion +
		" && export " + ortDirEnv + "=/work/peers/ort/node_modules/onnxruntime-web/dist"
)

// The files of the project's engine the benchmark serves from app/web under
// /web/; the page starts infer-worker.js, which loads the others.
var tutorEngineFiles = []string{"infer-worker.js", "infer.wasm", "kernels.wasm"}

// forwardEngine is one engine as the bench page opens it: a worker script
// and the options of its bench-init message.
type forwardEngine struct {
	name   string
	worker func(b *testing.B, f *forwardFiles) string // checks the files it needs, returns the worker's URL
	init   map[string]any
}

var forwardEngines = []forwardEngine{
	{name: "ort-fp32", worker: ortWorker, init: map[string]any{"model": "fp32"}},
	{name: "ort-int8", worker: ortWorker, init: map[string]any{"model": "int8"}},
	{name: "tutor-int8", worker: tutorWorker, init: map[string]any{"config": "student", "activations": "int8", "seed": 1}},
}

var forwardLengths = []int{32, 128}

// BenchmarkBrowserForward compares the project's in-browser inference
// engine with onnxruntime-web (the peer) on the same work, side by side in
// one run: one headless Chromium tab, one page, each engine in its own
// dedicated Web Worker with one thread, one sentence (B=1) of T tokens
// (ids 0..T-1) through the student shape (V=8192, L=4, C=256, 4 heads; see
// ../shared/peers/README.md), logits over the whole vocabulary.
//
//   - ort-fp32, ort-int8: onnxruntime-web 1.30.0, wasm execution provider,
//     SIMD build, numThreads=1, proxy off, default graph optimizations, on
//     student_fp32.onnx and student_int8.onnx (quantize_dynamic: int8
//     weights, dynamic uint8 activations). One forward pass is one
//     `await session.run({ids})`, which includes copying the [1,T,V] logits
//     out of the wasm heap into a Float32Array.
//   - tutor-int8: the project's engine, app/web/infer-worker.js with
//     bench-init {config:"student", activations:"int8", seed:1} (random
//     weights: speed does not depend on their values). One forward pass is
//     whatever the worker times as one (see the protocol in
//     testdata/enginebench/bench.js).
//
// Every sub-benchmark <engine>/T=<T> first runs untimed passes until the
// times settle (at least 5 s, at most 30 s; see forwardWarmup) and then, per
// b.N iteration, forwardRuns passes back to back inside the worker,
// each timed there with performance.now() around the one call (the page is
// cross-origin isolated, so the clock's resolution is a few microseconds).
// ms/forward is the median over all timed passes (nearest rank) and
// p90-ms/forward the 90th percentile; the times in run order and the load
// average are logged. Model loading and compilation happen in bench-init and are
// only logged (init ms). ns/op is suppressed: the timer also counts messages
// to and from the page, and the figures above are the measurement.
//
// To reproduce (the peer lives outside the repository):
//
//	mkdir -p /work/peers/ort && cd /work/peers/ort && npm install onnxruntime-web@1.30.0
//	export TUTOR_ORT_DIR=/work/peers/ort/node_modules/onnxruntime-web/dist
//	export TUTOR_PEERS_DIR=/work/shared/peers   # the default: ../shared/peers from the repository root
//	go test ./app/e2e -run XXX -bench BrowserForward -benchtime 1x
//
// -bench BrowserForward/ort runs the peer alone, -bench BrowserForward/tutor
// the engine alone. A missing peer or engine file fails its sub-benchmarks
// with what to install or build; nothing is skipped. The machine should be
// otherwise idle: the figures move with the load average.
func BenchmarkBrowserForward(b *testing.B) {
	f := newForwardFiles(b)
	srv := startServer(b, f.handler())
	br := newBrowser(b, 30*time.Minute)
	br.do(chromedp.Navigate(srv.url() + "/enginebench/"))
	br.waitFor("the bench page", `window.bench !== undefined && self.crossOriginIsolated`)
	for _, e := range forwardEngines {
		b.Run(e.name, func(b *testing.B) {
			url := e.worker(b, f)
			openEngine(b, br, e, url)
			// Best effort: an idle worker takes no CPU, this only frees its memory.
			defer chromedp.Run(br.ctx, chromedp.Evaluate[any](fmt.Sprintf(`window.bench.close(%q)`, e.name)))
			for _, T := range forwardLengths {
				b.Run(fmt.Sprintf("T=%d", T), func(b *testing.B) { benchForward(b, br, e.name, T) })
			}
		})
	}
}

func benchForward(b *testing.B, br *browser, engine string, T int) {
	b.StopTimer()
	var batches []float64 // the median of each warm-up batch
	for start := time.Now(); ; {
		batch := forward(b, br, engine, T, forwardWarmupBatch)
		batches = append(batches, nearestRank(slices.Sorted(slices.Values(batch)), 0.5))
		took := time.Since(start)
		if took >= forwardWarmup && batches[len(batches)-1] <= forwardSettled*slices.Min(batches) {
			break
		}
		if took >= forwardWarmupMax {
			b.Logf("%s T=%d: the warm-up did not settle within %v (batch medians %.1f ms); measuring anyway",
				engine, T, forwardWarmupMax, batches)
			break
		}
	}
	var ms []float64
	b.StartTimer()
	for range b.N {
		ms = append(ms, forward(b, br, engine, T, forwardRuns)...)
	}
	b.StopTimer()
	sorted := slices.Sorted(slices.Values(ms))
	b.ReportMetric(nearestRank(sorted, 0.5), "ms/forward")
	b.ReportMetric(nearestRank(sorted, 0.9), "p90-ms/forward")
	b.ReportMetric(0, "ns/op")
	// In run order, so that a drift (the JIT still tiering up, another
	// process starting) shows.
	b.Logf("%s T=%d: %d warm-ups (batch medians %.1f ms), then %d timed forward passes, ms in run order: %.1f; load average %s",
		engine, T, len(batches)*forwardWarmupBatch, batches, len(ms), ms, loadAverage())
}

// engineReply is what window.bench's calls resolve to.
type engineReply struct {
	OK     bool            `json:"ok"`
	Error  string          `json:"error"`
	Result json.RawMessage `json:"result"`
	InitMS float64         `json:"initMs"`
}

func openEngine(b *testing.B, br *browser, e forwardEngine, url string) {
	b.Helper()
	init, err := json.Marshal(e.init)
	if err != nil {
		b.Fatal(err)
	}
	r := evalOn[engineReply](b, br, fmt.Sprintf(`window.bench.open(%q, %q, %s, 120000)`, e.name, url, init))
	if !r.OK {
		b.Fatalf("%s: starting %s: %s", e.name, url, r.Error)
	}
	b.Logf("%s: %s answered bench-init %s in %.0f ms (worker start, wasm and model load)", e.name, url, init, r.InitMS)
}

// forward runs n forward passes over T tokens in the engine's worker and
// returns their times in milliseconds.
func forward(b *testing.B, br *browser, engine string, T, n int) []float64 {
	b.Helper()
	r := evalOn[engineReply](b, br, fmt.Sprintf(`window.bench.forward(%q, %d, %d, 300000)`, engine, T, n))
	if !r.OK {
		b.Fatalf("%s: forward T=%d: %s", engine, T, r.Error)
	}
	var res struct {
		MS []float64 `json:"ms"`
	}
	if err := json.Unmarshal(r.Result, &res); err != nil {
		b.Fatalf("%s: forward T=%d: result %s: %v", engine, T, r.Result, err)
	}
	if len(res.MS) != n {
		b.Fatalf("%s: forward T=%d runs=%d returned %d times", engine, T, n, len(res.MS))
	}
	for _, v := range res.MS {
		if !(v >= 0) || math.IsInf(v, 0) {
			b.Fatalf("%s: forward T=%d returned the time %v ms", engine, T, v)
		}
	}
	return res.MS
}

// evalOn evaluates expr in the bench page, awaiting a promise, and fails b
// (the running sub-benchmark, not the browser's owner) on an error.
func evalOn[T any](b *testing.B, br *browser, expr string) T {
	b.Helper()
	v, err := chromedp.Run(br.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.Fatalf("evaluating %s in the bench page: %v", expr, err)
	}
	return v
}

// forwardFiles are the folders the bench server serves from one origin.
type forwardFiles struct {
	page     string // testdata/enginebench: the page and the peer's worker
	web      string // the repository's app/web: the project's engine
	execJS   string // Go's wasm_exec.js, served as /web/wasm_exec.js when app/web has none
	ort      string // $TUTOR_ORT_DIR, or "" if unset
	peers    string // $TUTOR_PEERS_DIR or ../shared/peers
	peersSet bool
}

func newForwardFiles(b *testing.B) *forwardFiles {
	b.Helper()
	root, err := moduleRoot()
	if err != nil {
		b.Fatal(err)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Fatalf("go env GOROOT: %v", err)
	}
	f := &forwardFiles{
		page:   filepath.Join(root, "app", "e2e", "testdata", "enginebench"),
		web:    filepath.Join(root, "app", "web"),
		execJS: filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"),
		ort:    os.Getenv(ortDirEnv),
		peers:  os.Getenv(peersDirEnv),
	}
	f.peersSet = f.peers != ""
	if !f.peersSet {
		f.peers = filepath.Join(root, "..", "shared", "peers")
	}
	return f
}

// handler serves /enginebench/ (the page), /ort/, /peers/ and /web/, never
// cached, with the headers that make the page cross-origin isolated (a
// finer performance.now() in its workers; everything is same-origin).
func (f *forwardFiles) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/enginebench/", http.StripPrefix("/enginebench/", http.FileServer(http.Dir(f.page))))
	if f.ort != "" {
		mux.Handle("/ort/", http.StripPrefix("/ort/", http.FileServer(http.Dir(f.ort))))
	}
	mux.Handle("/peers/", http.StripPrefix("/peers/", http.FileServer(http.Dir(f.peers))))
	web := http.StripPrefix("/web/", http.FileServer(http.Dir(f.web)))
	mux.Handle("/web/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/web/wasm_exec.js" && !fileExists(filepath.Join(f.web, "wasm_exec.js")) {
			http.ServeFile(w, r, f.execJS)
			return
		}
		web.ServeHTTP(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Embedder-Policy", "require-corp")
		switch path.Ext(r.URL.Path) {
		case ".wasm":
			h.Set("Content-Type", "application/wasm")
		case ".js", ".mjs":
			h.Set("Content-Type", "text/javascript; charset=utf-8")
		case ".onnx":
			h.Set("Content-Type", "application/octet-stream")
		}
		mux.ServeHTTP(w, r)
	})
}

// ortWorker checks that onnxruntime-web and the peer models are there and
// returns the URL of the peer's worker.
func ortWorker(b *testing.B, f *forwardFiles) string {
	b.Helper()
	if f.ort == "" {
		b.Fatalf("%s is not set: the peer is onnxruntime-web %s, installed outside the repository: %s",
			ortDirEnv, peerVersion, ortInstall)
	}
	var script string
	for _, s := range []string{"ort.wasm.min.js", "ort.min.js"} {
		if fileExists(filepath.Join(f.ort, s)) {
			script = s
			break
		}
	}
	missing := []string{}
	if script == "" {
		missing = append(missing, "ort.wasm.min.js (or ort.min.js)")
	}
	for _, s := range []string{"ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.mjs"} {
		if !fileExists(filepath.Join(f.ort, s)) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		b.Fatalf("%s=%s lacks %s: point it at onnxruntime-web's dist folder (%s)",
			ortDirEnv, f.ort, strings.Join(missing, ", "), ortInstall)
	}
	b.Logf("peer: onnxruntime-web %s from %s (%s)", ortVersion(f.ort), f.ort, script)
	for _, m := range []string{"student_fp32.onnx", "student_int8.onnx"} {
		if !fileExists(filepath.Join(f.peers, m)) {
			how := "set " + peersDirEnv + " to the folder with student_fp32.onnx and student_int8.onnx (see its README.md)"
			if f.peersSet {
				how = peersDirEnv + " must name the folder with student_fp32.onnx and student_int8.onnx (see its README.md)"
			}
			b.Fatalf("the peer model %s is not in %s: %s", m, f.peers, how)
		}
	}
	return "/enginebench/ort-worker.js?ort=" + script
}

// ortVersion reads the version from the package.json above the dist folder.
func ortVersion(dist string) string {
	raw, err := os.ReadFile(filepath.Join(dist, "..", "package.json"))
	if err != nil {
		return "(version unknown: no package.json above " + dist + ")"
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if json.Unmarshal(raw, &pkg) != nil || pkg.Version == "" {
		return "(version unknown)"
	}
	if pkg.Version != peerVersion {
		return pkg.Version + " (not " + peerVersion + ", the version the project compares with)"
	}
	return pkg.Version
}

// tutorWorker checks that the project's engine is built into app/web and
// returns the URL of its worker.
func tutorWorker(b *testing.B, f *forwardFiles) string {
	b.Helper()
	var missing, found []string
	for _, name := range tutorEngineFiles {
		st, err := os.Stat(filepath.Join(f.web, name))
		if err != nil {
			missing = append(missing, name)
			continue
		}
		found = append(found, fmt.Sprintf("%s (%d bytes, %s)", name, st.Size(), st.ModTime().Format(time.DateTime)))
	}
	if len(missing) > 0 {
		b.Fatalf("the project's inference engine is not built: app/web lacks %s (the inference worker from wasm/infer and its kernels; build them, e.g. with ./build.sh, so that %s are in %s)",
			strings.Join(missing, ", "), strings.Join(tutorEngineFiles, ", "), f.web)
	}
	b.Logf("engine: %s", strings.Join(found, ", "))
	return "/web/infer-worker.js"
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return !errors.Is(err, os.ErrNotExist)
}
