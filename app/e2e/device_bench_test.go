package e2e_test

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tutor-dev/tutor/model/bundle"
)

// A learner's sentence of 20 words with three errors.
const twentyWords = "Yesterday my brother go to the market with his friends and buyed three apple for our family dinner last night."

// BenchmarkDeviceCheck measures the grammar checker on the device with the
// released int8 student (data/models/gec-student-int8), published for a
// class and downloaded by the app as a learner's browser does, in headless
// Chromium on loopback:
//
//   - check-20-words: one check of a 20-word sentence end to end in the
//     page: from postMessage to the engine's worker to the decoded answer
//     (tokenizing, the tagger's passes, the edits and their explanations),
//     after 3 s of untimed checks; the median and 90th percentile (nearest
//     rank) of 30 per round.
//   - load-to-first-check: a navigation to the Write page with the model
//     in Cache Storage and a draft to check, to the first underline the
//     on-device checker put there (the server has no checker, so every
//     mark comes from the device): the page, the app's wasm from the
//     service worker, the engine's worker, the model read from the cache
//     and verified, then the check. The moment is the page's
//     performance.now() when a 10 ms poll first sees an underline.
//
// It also logs the engine's download as build.sh built it in app/web:
// infer.wasm.gz, and kernels.wasm, infer-worker.js and wasm_exec.js each
// gzipped at level 9.
//
//	./build.sh build && go test ./app/e2e -run XXX -bench DeviceCheck -benchtime 5x
func BenchmarkDeviceCheck(b *testing.B) {
	e := newEngineEnv(b)
	e.publish("../../data/models/gec-student-int8")
	e.signUp()
	e.waitModel(1)
	key := bundle.PublicKeyText(e.key.Public().(ed25519.PublicKey))
	reportEngineSize(b)

	b.Run("check-20-words", func(b *testing.B) {
		var ms []float64
		for b.Loop() {
			var round []float64
			e.b.evalJSON(withEngine(key, fmt.Sprintf(`
				// V8 compiles the engine's hot functions with its optimizing
				// tier in the background: check untimed for a few seconds first.
				for (const t0 = performance.now(); performance.now() - t0 < 3000; ) await call("check", {text: %[1]q});
				const ms = [];
				for (let i = 0; i < 30; i++) {
					const t0 = performance.now();
					const r = await call("check", {text: %[1]q});
					ms.push(performance.now() - t0);
					if (!r.edits.length) throw new Error("no edits in the 20-word sentence");
				}
				return ms;`, twentyWords)), &round)
			ms = append(ms, round...)
		}
		reportMillis(b, ms, "ms/check")
	})

	b.Run("load-to-first-check", func(b *testing.B) {
		e.b.retype("write-text", twentyWords)
		e.b.waitFor("the draft checked", `document.querySelectorAll("#write-marked .mark").length > 0`)
		var ms []float64
		for b.Loop() {
			e.b.do(chromedp.Navigate(e.srv.url() + "/write"))
			v, err := chromedp.Run(e.b.ctx, chromedp.Poll[float64](`(() => {
				const src = document.getElementById("write-source");
				if (!src || src.dataset.source !== "device" || !document.querySelector("#write-marked .mark")) return 0;
				return performance.now();
			})()`, chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(60*time.Second)))
			if err != nil {
				b.Fatalf("waiting for the first on-device check: %v", err)
			}
			ms = append(ms, v)
		}
		reportMillis(b, ms, "ms/first-check")
	})
}

// reportMillis reports the median and 90th percentile of ms as unit and
// p90-unit, in place of ns/op.
func reportMillis(b *testing.B, ms []float64, unit string) {
	slices.Sort(ms)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(nearestRank(ms, 0.5), unit)
	b.ReportMetric(nearestRank(ms, 0.9), "p90-"+unit)
}

func reportEngineSize(b *testing.B) {
	root, err := moduleRoot()
	if err != nil {
		b.Fatal(err)
	}
	web := os.DirFS(filepath.Join(root, "app", "web"))
	total := 0
	for _, name := range []string{"infer.wasm.gz", "kernels.wasm", "infer-worker.js", "wasm_exec.js"} {
		data, err := fs.ReadFile(web, name)
		if err != nil {
			b.Fatalf("%v: run ./build.sh build first", err)
		}
		size := len(data)
		if !strings.HasSuffix(name, ".gz") {
			var buf bytes.Buffer
			w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			w.Write(data)
			w.Close()
			size = buf.Len()
		}
		b.Logf("%s: %d bytes gzipped", name, size)
		total += size
	}
	b.Logf("the engine's download: %d bytes gzipped", total)
}
