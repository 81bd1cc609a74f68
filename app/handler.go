//go:build !wasm

package app

import (
	"bytes"
	"embed"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

//go:generate go run icons_gen.go

// Web holds the PWA's static files (web/...): style sheet, scripts, icons
// and, in a real build, app.wasm (and app.wasm.gz), which build.sh writes
// to app/web before it compiles the server. They are served under /web/.
//
//go:embed web
var Web embed.FS

// wasmMissing is the answer for /web/app.wasm when the server was built
// without it.
const wasmMissing = "app.wasm is missing from this server build. Build it first: " +
	"./build.sh build (or GOOS=js GOARCH=wasm go build -o app/web/app.wasm ./wasm/app, then rebuild the server).\n"

// Handler returns the PWA handler serving the embedded files (Web). version
// must be set at build time (e.g. the git commit): it names the service
// worker's cache, so a new version makes browsers fetch the new app once and
// an unchanged one lets them start from the cache, offline too.
func Handler(version string) *app.Handler {
	sub, err := fs.Sub(Web, "web")
	if err != nil {
		panic("app: embedded web folder missing: " + err.Error()) // cannot happen: go:embed checked it
	}
	return NewHandler(version, sub)
}

// NewHandler is Handler with the static files taken from files (whose root
// holds what app/web holds). Tests use it to serve an app.wasm they built.
// It registers the routes itself, so mounting the handler is all a server
// has to do: everything outside /api goes to it.
func NewHandler(version string, files fs.FS) *app.Handler {
	Register()
	h := &app.Handler{
		Name:            "Tutor",
		ShortName:       "Tutor",
		Title:           "Tutor",
		Description:     "Language practice that works offline: spaced repetition, instant feedback, classes. 离线也能用的语言练习。",
		Lang:            "en",
		BackgroundColor: "#f7f5f0",
		ThemeColor:      "#1f6f5c",
		LoadingLabel:    "Tutor {progress}%",
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		Styles:             []string{"/web/app.css"},
		Scripts:            []string{"/web/store.js", "/web/forms.js"},
		CacheableResources: append(cacheablePages(), engineFiles(files)...),
		Version:            version,
		Resources:          staticFiles{files: files},
	}
	if fi, err := fs.Stat(files, "app.wasm"); err == nil {
		// The loader's progress bar counts decompressed bytes.
		h.WasmContentLength = strconv.FormatInt(fi.Size(), 10)
	}
	return h
}

// cacheablePages are the pages the service worker precaches besides "/".
func cacheablePages() []string {
	var ps []string
	for _, p := range Pages {
		if p != PathHome {
			ps = append(ps, p)
		}
	}
	return ps
}

// engineFiles are the on-device engine's files that the build put in
// files, for the service worker to precache: with them the engine starts
// offline, from the model this device keeps.
func engineFiles(files fs.FS) []string {
	var have []string
	for _, name := range []string{"infer-worker.js", "wasm_exec.js", "infer.wasm", "kernels.wasm"} {
		if _, err := fs.Stat(files, name); err == nil {
			have = append(have, "/web/"+name)
		}
	}
	return have
}

// staticFiles serves /web/* from an fs.FS and resolves /web/ paths to
// themselves (same origin). It serves X.wasm.gz in place of X.wasm (the
// app, the engine) to browsers that accept gzip, when the build made one.
type staticFiles struct{ files fs.FS }

func (s staticFiles) Resolve(location string) string {
	switch {
	case location == "" || location == "/":
		return "/"
	case strings.HasPrefix(location, "http://") || strings.HasPrefix(location, "https://"):
		return location
	case strings.HasPrefix(location, "/web/") || strings.HasPrefix(location, "web/") || location == "web" || location == "/web":
		return "/" + strings.Trim(location, "/")
	}
	return location
}

func (s staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/web/")
	if name == "" || strings.HasPrefix(name, "/") || !fs.ValidPath(name) {
		http.NotFound(w, r)
		return
	}
	if strings.HasSuffix(name, ".wasm") && acceptsGzip(r) && s.serveFile(w, r, name+".gz", "application/wasm", "gzip") {
		return
	}
	if s.serveFile(w, r, name, "", "") {
		return
	}
	if name == "app.wasm" {
		http.Error(w, wasmMissing, http.StatusNotFound)
		return
	}
	http.NotFound(w, r)
}

// serveFile writes the file if it exists and reports whether it did.
func (s staticFiles) serveFile(w http.ResponseWriter, r *http.Request, name, contentType, encoding string) bool {
	f, err := s.files.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		return false
	}
	content, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			return false
		}
		content = bytes.NewReader(b)
	}
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	if encoding != "" {
		w.Header().Set("Content-Encoding", encoding)
		w.Header().Add("Vary", "Accept-Encoding")
	}
	http.ServeContent(w, r, name, fi.ModTime(), content)
	return true
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		if strings.TrimSpace(strings.SplitN(part, ";", 2)[0]) == "gzip" {
			return true
		}
	}
	return false
}
