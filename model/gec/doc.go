// Package gec is the grammar-error data of the tutor: it makes synthetic
// learner errors for training and evaluating the grammar-error tagger,
// turns them into word tags, and explains errors to the learner.
//
// No corpus of real learners' errors can be had (docs/GEC.md), so the
// tutor learns from correct English sentences that Generator.Corrupt
// spoils the way Chinese-speaking learners of English do: articles,
// plural and countability, subject-verb agreement, tense, verb form,
// prepositions, word order, missing and extra words, spelling, word choice,
// capitals and punctuation (the Types). Each example records, as Edits in
// character offsets of the learner's text, what is wrong and its
// correction, so that Apply(Corrupted, Edits) == Correct. Everything random
// comes from the caller's *rand.Rand: one seed, one dataset.
//
// Tagger.ToTagging turns an example into GECToR-style word tags (KEEP,
// DELETE, REPLACE_w, APPEND_w, CASE_*, VERB_*, NOUN_*, SPELL, each with
// its error type) in the JSONL that `tutor train` reads for a tagging
// head; Tagger.ApplyTags is the inverse a decoder runs. Explainer picks,
// for an edit, the teacher-editable explanation in Simplified Chinese and
// English (data/explain).
//
// The word tables (parts of speech, irregular verbs and nouns,
// misspellings) are read from data/errors by LoadLexicon; their sources are
// in data/errors/PROVENANCE.md. The rules and small word lists in this
// package were written for it.
//
// The package runs on the server, on the command line and in the browser:
// it imports only the standard library and must not import server, app,
// net/http, database/sql or the model itself.
package gec
