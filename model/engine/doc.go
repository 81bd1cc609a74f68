// Package engine is the models as the learner's browser runs them: it
// takes a signed model bundle held in memory (file name → bytes), checks it
// against the server key the client pinned at login, and opens the grammar
// checker ("gec" bundles) or the answer grader ("grade" bundles) in it, on
// whatever kernels the caller passes. It also builds the random-weight
// models that the browser benchmarks time.
//
// A "gec" bundle carries, next to the model's files, the word tables of
// data/errors (gec.LexiconFiles) and the teacher's explanation file as
// explanations.json, so that the browser explains errors exactly as the
// server does (CheckerFiles lists them for `tutor publish`).
//
// wasm/infer wraps the package for the Web Worker; the package itself
// builds and is tested on every platform. It imports the model packages
// and the standard library; it must not import syscall/js, net/http, the
// server or the app.
package engine
