// Package e2e holds Tutor's end-to-end browser tests: the real server
// (server/api over a SQLite file) serving the real PWA (app.wasm built from
// wasm/app) to headless Chromium driven by chromedp. It has no code besides
// its tests; it may import server packages because it is never linked into
// a binary.
package e2e
