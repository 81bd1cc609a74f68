//go:build !wasm

package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tutor-dev/tutor/app/api"
)

// testFiles is the embedded web folder plus a fake app.wasm (and its gzip).
func testFiles(t *testing.T, wasm []byte) fstest.MapFS {
	t.Helper()
	files := fstest.MapFS{}
	for _, name := range []string{"app.css", "store.js", "forms.js", "icon-192.png", "icon-512.png", "icon.svg"} {
		b, err := Web.ReadFile("web/" + name)
		if err != nil {
			t.Fatalf("embedded web/%s: %v", name, err)
		}
		files[name] = &fstest.MapFile{Data: b}
	}
	if wasm != nil {
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		w.Write(wasm)
		w.Close()
		files["app.wasm"] = &fstest.MapFile{Data: wasm}
		files["app.wasm.gz"] = &fstest.MapFile{Data: gz.Bytes()}
	}
	return files
}

func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandlerPrerendersEveryPage(t *testing.T) {
	h := NewHandler("test-1", testFiles(t, []byte("\x00asm-fake")))
	for _, p := range Pages {
		w := get(t, h, p)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", p, w.Code)
		}
		body := w.Body.String()
		for _, want := range []string{"/web/app.css", "/web/store.js", "/web/forms.js", "/app.js", `class="top"`} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: page lacks %q", p, want)
			}
		}
	}
	if body := get(t, h, "/").Body.String(); !strings.Contains(body, `id="login-form"`) || !strings.Contains(body, `id="signup-form"`) {
		t.Errorf("landing page lacks the login or sign-up form")
	}
}

// TestServiceWorkerWorksOffline checks go-app's two offline traps: every
// precached resource is local (a remote default icon makes the precache fail
// silently) and every page is precached, so that a reload works offline.
func TestServiceWorkerWorksOffline(t *testing.T) {
	h := NewHandler("test-2", testFiles(t, []byte("wasm")))
	w := get(t, h, "/app-worker.js")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /app-worker.js: %d", w.Code)
	}
	sw := w.Body.String()
	if !strings.Contains(sw, `"app-" + "test-2"`) {
		t.Errorf("service worker cache is not named after the version")
	}
	for _, want := range append([]string{"/web/app.wasm", "/web/store.js", "/web/forms.js", "/web/app.css", "/web/icon-192.png"}, Pages...) {
		if !strings.Contains(sw, `"`+want+`"`) {
			t.Errorf("service worker does not precache %s", want)
		}
	}
	for _, path := range []string{"/app-worker.js", "/manifest.webmanifest", "/"} {
		if body := get(t, h, path).Body.String(); strings.Contains(body, "http://") || strings.Contains(body, "https://") {
			if path == "/" && !strings.Contains(body, "raw.githubusercontent") {
				continue // og:url and similar metadata are not fetched
			}
			t.Errorf("%s refers to a remote resource, which breaks offline start", path)
		}
	}
	var manifest struct {
		Icons []struct{ Src string } `json:"icons"`
	}
	if err := json.Unmarshal(get(t, h, "/manifest.webmanifest").Body.Bytes(), &manifest); err != nil {
		t.Fatal(err)
	}
	for _, ic := range manifest.Icons {
		if !strings.HasPrefix(ic.Src, "/web/") {
			t.Errorf("manifest icon %q is not a local file", ic.Src)
		}
		if w := get(t, h, ic.Src); w.Code != http.StatusOK {
			t.Errorf("manifest icon %s: %d", ic.Src, w.Code)
		}
	}
}

func TestStaticFiles(t *testing.T) {
	wasm := bytes.Repeat([]byte("wasm!"), 1000)
	h := NewHandler("test-3", testFiles(t, wasm))
	if h.WasmContentLength != "5000" {
		t.Errorf("WasmContentLength = %q, want the raw size 5000", h.WasmContentLength)
	}

	w := get(t, h, "/web/app.wasm", "Accept-Encoding", "gzip, br")
	if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("Content-Type") != "application/wasm" {
		t.Fatalf("gzip app.wasm: %d %q %q", w.Code, w.Header().Get("Content-Encoding"), w.Header().Get("Content-Type"))
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); !bytes.Equal(got, wasm) {
		t.Errorf("gzip app.wasm does not decompress to app.wasm")
	}

	w = get(t, h, "/web/app.wasm")
	if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "" || !bytes.Equal(w.Body.Bytes(), wasm) {
		t.Errorf("plain app.wasm: %d, encoding %q, %d bytes", w.Code, w.Header().Get("Content-Encoding"), w.Body.Len())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/wasm" {
		t.Errorf("app.wasm Content-Type %q", ct)
	}
	if w := get(t, h, "/web/store.js"); w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Type"), "javascript") {
		t.Errorf("store.js: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	for _, bad := range []string{"/web/nope.js", "/web/../handler.go", "/web/"} {
		if w := get(t, h, bad); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, w.Code)
		}
	}

	missing := NewHandler("test-4", testFiles(t, nil))
	w = get(t, missing, "/web/app.wasm")
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "build.sh") {
		t.Errorf("missing app.wasm: %d %q; want 404 saying how to build it", w.Code, w.Body.String())
	}
}

func TestClientErrors(t *testing.T) {
	var gotCSRF, gotGetCSRF string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/me":
			gotGetCSRF = r.Header.Get("X-CSRF-Token")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"code":"unauthorized","message":"Log in first."}}`)
		case "/api/v1/sync/reviews":
			gotCSRF = r.Header.Get("X-CSRF-Token")
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("sync Content-Type %q", ct)
			}
			json.NewEncoder(w).Encode(api.SyncResponse{Acked: []string{"a"}})
		default:
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, "<html>proxy error</html>")
		}
	}))
	defer srv.Close()
	c := &Client{Base: srv.URL, CSRF: "tok"}
	ctx := context.Background()

	_, err := c.Me(ctx)
	if !isUnauthorized(err) || err.Error() != "Log in first." {
		t.Errorf("Me: %v; want the server's unauthorized message", err)
	}
	if gotGetCSRF != "" {
		t.Errorf("GET sent a CSRF token")
	}
	resp, err := c.SyncReviews(ctx, []api.ReviewEvent{{ID: "a"}})
	if err != nil || len(resp.Acked) != 1 || gotCSRF != "tok" {
		t.Errorf("SyncReviews: %v %v, CSRF %q", resp, err, gotCSRF)
	}
	_, err = c.Courses(ctx)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadGateway || !strings.Contains(ae.Message, "502") {
		t.Errorf("non-JSON error: %v", err)
	}

	srv.Close()
	if _, err := c.SyncReviews(ctx, nil); !isOffline(err) {
		t.Errorf("closed server: %v; want a NetworkError", err)
	}
}
