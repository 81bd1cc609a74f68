// Package difficulty estimates how hard an English sentence is for a
// learner, as a CEFR-like level (A1 … C2) with a continuous score and the
// features it was computed from. It is used to order course content from
// easy to hard and to tell a learner roughly what level a text is.
//
// The estimate comes from word rarity (the rank of each content word in a
// frequency table built from permissively licensed sources, data/difficulty)
// and sentence structure (length, clause markers); optionally a language
// model's per-token surprisal is blended in (EstimateWithModel). No
// CEFR-labelled English is available to the project, so the mapping from
// score to level rests on rule-of-thumb vocabulary sizes per level, not on
// a fit to labelled data: it is an estimate. docs/DIFFICULTY.md says how it
// was calibrated and how far to trust it.
//
// The package imports only the standard library (the model adapter lives in
// model/difficulty/lm, the table builder in model/difficulty/wordrank), so it
// builds for js/wasm and the browser app can use it; it must never import
// server, app, net/http or database/sql.
package difficulty
