package e2e_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/app/course"
	"github.com/tutor-dev/tutor/model/bundle"
	"github.com/tutor-dev/tutor/model/checker"
	"github.com/tutor-dev/tutor/model/checker/checkertest"
	"github.com/tutor-dev/tutor/model/engine"
	"github.com/tutor-dev/tutor/model/grader"
	"github.com/tutor-dev/tutor/model/quant"
	tutorserver "github.com/tutor-dev/tutor/server"
	"github.com/tutor-dev/tutor/server/api"
	"github.com/tutor-dev/tutor/server/registry"
	"github.com/tutor-dev/tutor/server/sqlite"
)

const (
	lexiconDir   = "../../data/errors"
	explanations = "../../data/explain/en-for-zh.json"
)

// engineEnv is a server with a model signing key and a class whose student
// "mei" is signed up in a headless Chromium and on the Write page.
type engineEnv struct {
	t       testing.TB
	store   *sqlite.DB
	srv     *server
	version string // the app's
	key     ed25519.PrivateKey
	class   wire.Class
	b       *browser
}

func newEngineEnv(t testing.TB) *engineEnv {
	t.Helper()
	key, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	store, srv, version, pack := newEnv(t, func(o *api.Options) { o.ModelKey = key.Public().(ed25519.PublicKey) })
	e := &engineEnv{t: t, store: store, srv: srv, version: version, key: key}
	e.class, _ = teacherClass(t, store, srv, pack)
	return e
}

// signUp signs mei up in a new browser and opens the Write page.
func (e *engineEnv) signUp() {
	e.t.Helper()
	b := newBrowser(e.t, 3*time.Minute)
	e.b = b
	b.do(chromedp.Navigate(e.srv.url() + "/"))
	b.waitAttr("landing", "data-ready", "true")
	b.do(
		chromedp.SendKeys(chromedp.ID("signup-code"), e.class.JoinCode),
		chromedp.SendKeys(chromedp.ID("signup-name"), "Mei"),
		chromedp.SendKeys(chromedp.ID("signup-username"), "mei"),
		chromedp.SendKeys(chromedp.ID("signup-password"), "student-password-1"),
	)
	b.click("signup-submit")
	b.waitFor("the dashboard's link to writing", `document.getElementById("write-link") !== null`)
	b.click("write-link")
	b.waitFor("the editor", `document.getElementById("write-text") !== null`)
}

// publish signs the model at path with the checker's word tables and
// explanations for the class, as `tutor publish --task gec` does, and
// returns the bundle.
func (e *engineEnv) publish(path string) tutorserver.ModelBundle {
	e.t.Helper()
	return e.publishTask(path, engine.TaskGEC)
}

// publishTask publishes the model at path for task ("gec" or "grade") as
// tutor publish does.
func (e *engineEnv) publishTask(path, task string) tutorserver.ModelBundle {
	e.t.Helper()
	_, files, err := registry.ModelFiles(path)
	if err != nil {
		e.t.Fatal(err)
	}
	if task == engine.TaskGEC {
		extra, err := engine.CheckerFiles(lexiconDir, explanations)
		if err != nil {
			e.t.Fatal(err)
		}
		maps.Copy(files, extra)
	}
	b, _, err := registry.Publish(context.Background(), e.store, e.key, e.store.Path(),
		registry.Release{ClassID: e.class.ID, Files: files, Task: task, Kind: "student"})
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// reconnect takes the browser and the server off the network and back, the
// event after which the app syncs (answers, content, model).
func (e *engineEnv) reconnect() {
	e.t.Helper()
	e.b.setNetwork(false)
	e.srv.down()
	e.srv.up()
	e.b.setNetwork(true)
}

// waitModel waits until the Write page checks on the device with the
// model version v.
func (e *engineEnv) waitModel(v int64) {
	e.t.Helper()
	e.b.waitAttr("write-source", "data-model", fmt.Sprint(v))
	e.b.waitAttr("write-source", "data-source", "device")
}

// tinyInt8Checker trains the tiny checker of TestE2EWriteCheck and
// quantizes it with int8 activations, the arithmetic the browser's
// engine runs.
func tinyInt8Checker(t *testing.T) string {
	t.Helper()
	run := checkertest.TrainChecker(t, "../..", t.TempDir(), writeTaught)
	out := filepath.Join(t.TempDir(), "int8")
	if _, err := quant.Quantize(run, out, quant.Options{Activations: quant.ActivationsInt8}); err != nil {
		t.Fatal(err)
	}
	return out
}

// startTinyChecker publishes the tiny int8 checker for the class, signs
// mei up and waits until her Write page checks with it on the device; it
// returns the model and what the server's checker says about writeText.
func startTinyChecker(t *testing.T) (e *engineEnv, model string, want checker.Result) {
	t.Helper()
	model = tinyInt8Checker(t)
	want = serverCheck(t, model, writeText)
	e = newEngineEnv(t)
	e.publish(model)
	e.signUp()
	e.waitModel(1)
	return e, model, want
}

// serverCheck is what the server's checker, opened from the same model
// folder, says about text.
func serverCheck(t *testing.T, modelDir, text string) checker.Result {
	t.Helper()
	c, err := checker.Open(modelDir, lexiconDir, explanations, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Check(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Edits) == 0 {
		t.Fatalf("the model marks nothing in %q; it has not learned its sentences", text)
	}
	return res
}

// checkUnderlines types text into the Write page and waits until it shows
// exactly the edits of want, each underline on its characters, and the
// first one's explanation.
func checkUnderlines(b *browser, text string, want checker.Result) {
	b.t.Helper()
	b.retype("write-text", text)
	// Counted and read in one step, once the marked text is the typed text:
	// the editor's value changes before the page has handled the key, so
	// for a moment the marks of the text before it are still shown.
	marks := b.waitFor("the underlines", fmt.Sprintf(`(() => {
		const marked = document.getElementById("write-marked");
		const text = [...marked.childNodes].map(n => n.nodeType === Node.TEXT_NODE || !n.classList.contains("insert") ? n.textContent : "").join("");
		const marks = [...marked.querySelectorAll(".mark")];
		if (marks.length !== %d || text !== %q || document.getElementById("write-text").value !== %q) return "";
		return JSON.stringify(marks.map(m => m.classList.contains("insert") ? "" : m.textContent));
	})()`, len(want.Edits), text, text))
	var got []string
	if err := json.Unmarshal([]byte(marks), &got); err != nil {
		b.t.Fatal(err)
	}
	runes := []rune(text)
	for i, e := range want.Edits {
		if w := string(runes[e.Start:e.End]); got[i] != w {
			b.t.Errorf("underline %d shows %q, want %q (characters %d to %d)", i, got[i], w, e.Start, e.End)
		}
	}
	// The marks may be drawn again by a later check of the same text:
	// find and click the first in one step.
	b.waitFor("a click on the first underline", `(() => { const m = document.getElementById("mark-0"); if (!m) return false; m.click(); return true; })()`)
	expl := b.waitFor("the explanation", `(document.getElementById("write-explanation") || {}).textContent`)
	if e := want.Edits[0]; expl != e.ExplanationEN && expl != e.ExplanationZH {
		b.t.Errorf("explanation %q, want %q or %q", expl, e.ExplanationEN, e.ExplanationZH)
	}
}

// TestE2EOfflineCheck: once the class's int8 checker has reached the
// browser, a sentence typed with the network and the server gone is
// underlined and explained exactly as the server's checker marks it, and
// after a reload offline (the app from the service worker's cache, the
// model from Cache Storage) it still is.
func TestE2EOfflineCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a tiny checker (some seconds)")
	}
	e, _, want := startTinyChecker(t)
	b := e.b
	b.waitFor("the engine in the service worker's precache", fmt.Sprintf(`(async () => {
		const c = await caches.open("app-" + %q);
		for (const p of ["/web/infer-worker.js", "/web/infer.wasm", "/web/kernels.wasm", "/web/wasm_exec.js", "/write"]) {
			if (!(await c.match(p))) return false;
		}
		return true;
	})()`, e.version))

	b.setNetwork(false)
	e.srv.down()
	checkUnderlines(b, writeText, want)
	b.screenshot("offline-check-1")

	start := time.Now()
	b.do(chromedp.Reload())
	e.waitModel(1)
	checkUnderlines(b, writeText+" ", want)
	t.Logf("offline reload to the first on-device check: %v", time.Since(start).Round(time.Millisecond))
	b.screenshot("offline-check-2-reloaded")
	e.srv.up()
	b.setNetwork(true)
}

// TestE2EModelUpdate: a newly published bundle reaches an open client at
// its next sync and is used; a bundle altered on the server after signing
// is refused, the page says so, the device keeps the previous model, which
// keeps checking, and the refused download is not kept.
func TestE2EModelUpdate(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a tiny checker (some seconds)")
	}
	e, model, want := startTinyChecker(t)
	b := e.b
	checkUnderlines(b, writeText, want)

	e.publish(model)
	e.reconnect()
	e.waitModel(2)
	checkUnderlines(b, writeText+" ", want)
	b.screenshot("model-update-1-v2")

	third := e.publish(model)
	weights := filepath.Join(third.Dir, "model.safetensors")
	data, err := os.ReadFile(weights)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x40
	if err := os.WriteFile(weights, data, 0o644); err != nil {
		t.Fatal(err)
	}
	e.reconnect()
	problem := b.waitFor("the refusal", `(document.getElementById("write-model-problem") || {}).textContent`)
	t.Logf("the page says: %s", problem)
	e.waitModel(2)
	checkUnderlines(b, writeText+"  ", want)
	kept := b.waitFor("the caches", `caches.keys().then(k => JSON.stringify(k.filter(n => n.startsWith("tutor-model-")).sort()))`)
	if kept != `["tutor-model-1","tutor-model-2","tutor-model-state"]` {
		t.Errorf("model caches %s, want versions 1 (rollback) and 2 and the state, not the refused 3", kept)
	}
	b.screenshot("model-update-2-refused")
}

// withEngine is page JavaScript that starts a worker of its own on the
// engine, pinned to key, loads the model the app stored in Cache Storage,
// runs body (which may await call(op, fields)) and returns its value as
// JSON.
func withEngine(key, body string) string {
	return fmt.Sprintf(`(async () => {
		const w = new Worker("/web/infer-worker.js");
		let next = 0;
		const call = (op, fields) => new Promise((resolve, reject) => {
			const id = ++next;
			w.addEventListener("message", function answer(e) {
				if (e.data.id !== id) return;
				w.removeEventListener("message", answer);
				e.data.ok ? resolve(e.data.result) : reject(new Error(e.data.code + ": " + e.data.error));
			});
			w.postMessage({...fields, id, op});
		});
		try {
			const started = await call("start", {key: %q});
			if (!started.gec.version) throw new Error("no grammar checker in Cache Storage");
			return JSON.stringify(await (async () => { %s })());
		} finally {
			w.terminate();
		}
	})()`, key, body)
}

// evalJSON runs page JavaScript that returns JSON and decodes it into out.
func (b *browser) evalJSON(js string, out any) {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(s), out); err != nil {
		b.t.Fatalf("%v in %.200s", err, s)
	}
}

// TestE2EEngineParity: the released int8 student, published and stored in
// the browser as a learner's device keeps it, marks every sentence of the
// hand-written learner set with the same edits (place, replacement, type,
// explanation) as `tutor check` does with the same files on the server.
func TestE2EEngineParity(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the released checker in the browser")
	}
	const released = "../../data/models/gec-student-int8"
	gold, err := checker.ReadGold("../../testdata/learner/handwritten.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	texts := checker.Texts(gold)
	c, err := checker.Open(released, lexiconDir, explanations, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := newEngineEnv(t)
	e.publish(released)
	e.signUp()
	e.waitModel(1)
	textsJSON, err := json.Marshal(texts)
	if err != nil {
		t.Fatal(err)
	}
	var got []checker.Result
	e.b.evalJSON(withEngine(bundle.PublicKeyText(e.key.Public().(ed25519.PublicKey)), fmt.Sprintf(`
		const out = [];
		for (const text of %s) out.push(await call("check", {text}));
		return out;`, textsJSON)), &got)
	if len(got) != len(texts) {
		t.Fatalf("the engine answered %d of %d sentences", len(got), len(texts))
	}
	same, edits := 0, 0
	for i, text := range texts {
		want, err := c.Check(text)
		if err != nil {
			t.Fatal(err)
		}
		edits += len(want.Edits)
		if sameEdits(got[i], want) {
			same++
			continue
		}
		t.Errorf("%q:\n  browser %s\n  server  %s", text, editList(got[i]), editList(want))
	}
	t.Logf("%d of %d sentences marked alike (%d edits on the server)", same, len(texts), edits)
}

func sameEdits(a, b checker.Result) bool {
	if a.Corrected != b.Corrected || len(a.Edits) != len(b.Edits) {
		return false
	}
	for i, e := range a.Edits {
		f := b.Edits[i]
		if e.Start != f.Start || e.End != f.End || e.Replacement != f.Replacement || e.Type != f.Type || e.ExplanationEN != f.ExplanationEN {
			return false
		}
	}
	return true
}

func editList(r checker.Result) string {
	var s string
	for _, e := range r.Edits {
		s += fmt.Sprintf("[%d,%d)→%q %s (%.3f) ", e.Start, e.End, e.Replacement, e.Type, e.Confidence)
	}
	return s
}

// gradeCandidates are answers near an item's references that the course's
// own check refuses: a word missing, a word doubled, an article added,
// two letters swapped twice.
func gradeCandidates(it course.Item) []string {
	var out []string
	for _, ref := range it.Answers {
		words := strings.Fields(ref)
		if len(words) > 1 {
			out = append(out, strings.Join(words[1:], " "), strings.Join(append([]string{words[0]}, words...), " "))
		}
		out = append(out, "the "+ref, "a "+ref+" a")
		if r := []rune(ref); len(r) >= 5 {
			r[0], r[1] = r[1], r[0]
			r[len(r)-1], r[len(r)-2] = r[len(r)-2], r[len(r)-1]
			out = append(out, string(r))
		}
	}
	var refused []string
	for _, a := range out {
		if !course.Check(it, a).Correct {
			refused = append(refused, a)
		}
	}
	return refused
}

// TestE2EOfflineGrade: with the class's grader on the device and the
// network gone, a typed answer that the course's check refuses goes to the
// device's grader, whose verdict (the same as the grader's on the server
// side of the test) decides: a correct or acceptable answer counts as
// right, a wrong one stays wrong.
func TestE2EOfflineGrade(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the released grader in the browser")
	}
	const released = "../../data/models/grade-student-int8"
	g, err := grader.Open(released)
	if err != nil {
		t.Fatal(err)
	}
	e := newEngineEnv(t)
	e.publishTask(released, "grade")
	e.signUp()
	b := e.b
	b.do(chromedp.Navigate(e.srv.url() + "/dashboard"))
	b.click("practise")
	b.waitAttr("card", "data-grader", "1")
	b.setNetwork(false)
	e.srv.down()
	b.do(chromedp.Reload()) // offline from here: the app from the service worker, the grader from Cache Storage
	b.waitAttr("card", "data-grader", "1")

	items := packItems(testPack(t))
	verdicts := map[string]int{}
	prev := ""
	for n := 1; n <= 8 && (verdicts["wrong"] == 0 || verdicts["correct"]+verdicts["acceptable"] == 0); n++ {
		id := b.waitFor("a new card", fmt.Sprintf(
			`(() => { const c = document.getElementById("card"); return c && c.dataset.checked === "false" && c.dataset.item !== %q ? c.dataset.item : ""; })()`, prev))
		it := items[id]
		answer, want := "", ""
		if it.Kind == course.KindVocab || it.Kind == course.KindCloze || it.Kind == course.KindTranslate {
			for _, a := range append(gradeCandidates(it), "banana bread") {
				r, err := g.Grade(it.Prompt, it.Answers, a)
				if err != nil {
					t.Fatal(err)
				}
				if verdicts[r.Grade] == 0 {
					answer, want = a, r.Grade
					break
				}
			}
		}
		if answer == "" {
			b.click("dont-know")
		} else {
			b.do(chromedp.SendKeys(chromedp.ID("answer"), answer))
			b.click("check")
			b.waitAttr("feedback", "data-grade", want)
			b.waitAttr("feedback", "data-correct", fmt.Sprint(want != "wrong"))
			verdicts[want]++
			t.Logf("%s %q: answer %q graded %s on the device", it.ID, it.Prompt, answer, want)
			b.screenshot("offline-grade-" + want)
		}
		b.click("continue")
		b.waitAttr("answered-count", "data-value", fmt.Sprint(n))
		prev = id
	}
	if verdicts["wrong"] == 0 || verdicts["correct"]+verdicts["acceptable"] == 0 {
		t.Errorf("verdicts %v: want a wrong answer and a right one graded on the device", verdicts)
	}
	e.srv.up()
	b.setNetwork(true)
}

// cutFirstDownload makes the first plain GET of a bundle's
// model.safetensors stop half way, as a lost connection does, and records
// the Range header of every later request for it.
type cutFirstDownload struct {
	next   http.Handler
	mu     sync.Mutex
	cut    bool
	sent   int // bytes of the cut response
	ranges []string
}

func (c *cutFirstDownload) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/files/model.safetensors") {
		c.next.ServeHTTP(w, r)
		return
	}
	c.mu.Lock()
	first := !c.cut && r.Header.Get("Range") == ""
	c.cut = true
	if !first {
		c.ranges = append(c.ranges, r.Header.Get("Range"))
	}
	c.mu.Unlock()
	if !first {
		c.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	c.next.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	body := rec.Body.Bytes()
	c.mu.Lock()
	c.sent = len(body) / 2
	c.mu.Unlock()
	w.Write(body[:len(body)/2])
	w.(http.Flusher).Flush()
	time.Sleep(300 * time.Millisecond) // the first half reaches the page before the connection goes
	panic(http.ErrAbortHandler)        // the connection closes with the body half sent
}

// TestE2EModelDownloadResumes: when the connection breaks in the middle of
// the model's weights, the device asks for the rest only (Range) and
// installs the bundle, verified.
func TestE2EModelDownloadResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a tiny checker (some seconds)")
	}
	model := tinyInt8Checker(t)
	want := serverCheck(t, model, writeText)
	e := newEngineEnv(t)
	cut := &cutFirstDownload{next: e.srv.handler}
	e.srv.down()
	e.srv.handler = cut
	e.srv.up()
	e.publish(model)
	e.signUp()
	e.waitModel(1)
	checkUnderlines(e.b, writeText, want)
	cut.mu.Lock()
	defer cut.mu.Unlock()
	if !cut.cut || len(cut.ranges) != 1 || cut.ranges[0] != fmt.Sprintf("bytes=%d-", cut.sent) {
		t.Errorf("after the cut at byte %d the device asked for %q, want one request for the rest", cut.sent, cut.ranges)
	}
	t.Logf("resumed with Range: %v", cut.ranges)
}
