// Package tokenizer is the project's byte-level BPE tokenizer: a streaming,
// bounded-memory trainer, a writer for the Hugging Face tokenizer.json that
// github.com/sugarme/tokenizer v0.3.0 loads (on the server and in the
// browser), a loader for that file, and a fast encoder and decoder that give
// exactly the ids sugarme gives.
//
// It imports only the standard library, so it builds for GOOS=js GOARCH=wasm;
// it must not import sugarme (only its tests do), the model, or anything with
// network or disk I/O beyond Load and Save.
//
// # Vocabulary layout
//
// Ids 0..4 are the special tokens, at fixed ids so that they do not move when
// V changes: EndOfText "<|endoftext|>" (separates documents; also the
// beginning-of-sequence token), Pad "<pad>", Mask "<mask>" (the masked
// objective), Cls "<cls>" and Sep "<sep>" (sequence classification and
// sentence pairs, e.g. prompt and answer). Ids 5..260 are the 256 bytes in
// byte order; merged tokens follow in the order they were learned, so the id
// of a merged token is 261 + its merge rank. The default V is 8192.
//
// # What sugarme v0.3.0 accepts (read from its source)
//
// pretrained.FromFile decodes tokenizer.json into tokenizer.Config and builds
// the parts one by one; a null or missing part is simply left out.
//
//   - "model": {"type": "BPE", "vocab": {token: id}, "merges": [...]}.
//     Merges may be "a b" strings or ["a", "b"] pairs; this package writes
//     strings, which every Hugging Face version reads. A merge whose parts are
//     not in the vocab is skipped silently (and the ranks of the merges after
//     it shift), and one whose concatenation is not in the vocab fails the
//     load, so Load checks both. "dropout", "unk_token",
//     "continuing_subword_prefix" and "end_of_word_suffix" must be null (a
//     value switches the feature on); "fuse_unk" and "byte_fallback" are
//     ignored. A character missing from the vocab panics when there is no
//     unk_token, which cannot happen here: all 256 byte characters are in it.
//   - "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false,
//     "trim_offsets": ...}; "use_regex" is ignored: sugarme always splits
//     with its own pattern (see pretokenize.go), which is not quite the
//     Hugging Face one: it has no \s+(?!\S) alternative and Go's \s is ASCII
//     only. add_prefix_space must be false or decode(encode(s)) gains a space.
//   - "decoder": {"type": "ByteLevel"} maps the characters back to bytes.
//   - "normalizer", "post_processor", "truncation", "padding": null.
//   - "added_tokens": [{"id", "content", "special", "normalized", "lstrip",
//     "rstrip", "single_word"}]. The "id" field is ignored: sugarme looks the
//     content up in the model vocab and appends it after the vocab if it is
//     not there. This package writes an empty list and keeps the special
//     tokens in the vocab only (next section says why).
//
// # Quirks this package matches or avoids
//
//   - Merge order inside a word: sugarme applies the lowest-rank merge first,
//     but among equal ranks (the same pair twice in one word, as in "aaaa" or
//     "----") it takes whichever its binary heap yields, not the leftmost as
//     Hugging Face's Rust tokenizer does. The encoder here replays the same
//     heap, so ids agree with sugarme; Hugging Face may tokenize such runs
//     differently (the ids still decode to the same text). The trainer
//     merges left to right, so long runs (indentation) come out in more
//     tokens than training counted: with the test vocabulary 32 spaces
//     take 7 tokens.
//   - Special tokens in the text: sugarme cuts added tokens out of the
//     input text and then loses them. Measured with v0.3.0 on a file that
//     listed the specials as added tokens: "a<pad>b" encoded as "ab", and
//     "<mask> x <pad>" kept "<mask>" as text and dropped "<pad>". So
//     tokenizer.json lists no added tokens (and Load rejects a file that
//     does): sugarme and Encode both read "<pad>" in text as ordinary bytes
//     and give the same ids (TestSugarmeSpecialTokensInText), and learner
//     input can neither inject nor lose a control token. Put special ids in with the
//     constants. The price: sugarme's Decode(ids, true) does not skip them;
//     use DecodeText, which builds for the browser too.
//   - Invalid UTF-8: sugarme v0.3.0 panics on it (an index out of range in
//     its offset bookkeeping), so callers must pass it valid UTF-8
//     (strings.ToValidUTF8). Encode here keeps the bytes, so
//     Decode(Encode(s)) == s for every byte string; a bad byte splits like
//     punctuation, as Go's regexp sees it (U+FFFD).
//   - Save and Serialize in sugarme write nothing; its BPE trainer degrades
//     above about 1 MB of text. Train and WriteJSON here replace both.
package tokenizer
