// Package app is Tutor's browser app: the go-app v10 components and routes of
// the offline-first PWA (landing, first-run setup, dashboard, practice,
// teacher and admin pages), the IndexedDB-backed event queue and the sync
// loop that uploads answers to the classroom server.
//
// The same package is compiled twice: to WebAssembly (wasm/app), where the
// components run, and into the server, which prerenders pages and serves the
// PWA through Handler. Code only the server needs lives in files built with
// `//go:build !wasm` so that app.wasm stays small.
//
// It talks to the server only through the JSON API (app/api wire types) over
// same-origin relative URLs. It must not import server, server/..., Echo,
// database/sql or kernels/cuda.
package app
