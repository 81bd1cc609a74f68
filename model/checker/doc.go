// Package checker is the tutor's grammar checker: it marks the errors in a
// learner's English, corrects them and explains each one in Simplified
// Chinese and in English. `tutor check`, `tutor eval gec` and the server's
// POST /api/v1/check use it.
//
// A Checker wraps a tagging model fine-tuned by `tutor train` on the
// GECToR-style tags of package gec ("KEEP", "APPEND_the|article",
// "VERB_VBD|tense", …), the word tables those tags need (data/errors) and
// the teacher's explanation file (data/explain). Check splits a text into
// sentences, tags every word, applies the tags whose probability reaches
// the threshold, and tags the result again, up to Options.Passes times,
// until a pass changes nothing. The corrections come back as edits on the
// learner's own text, in characters (Unicode code points), so that the
// learner's spacing stays untouched wherever nothing is wrong.
//
// The package also reads the gold sets (both the synthetic examples of
// package gec and model/gecscore's hand-marked sentences), runs a checker
// over them and scores it (Evaluate, Sweep).
//
// It imports the model packages (model/train, model/gec, model/gecscore)
// and the standard library only; it must not import the server, the app,
// net/http or database/sql, so that it runs the same on the command line
// and behind any server.
package checker
