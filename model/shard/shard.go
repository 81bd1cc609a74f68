// Package shard is the token shard file of the pre-training corpus: the
// format that `tutor data corpus` (package corpus) writes and the trainer
// reads.
//
// # Format (version 1)
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
// paragraph is encoded together with the newline that ends it. Read, Decode
// and ReadSplit read shards back and check all of this.
//
// It is its own package, apart from the corpus builder, because package
// train reads shards and is linked into the browser's inference engine:
// the builder's fetchers, HTML parser and text tables must stay out of that
// download. It imports the standard library and model/atomicfile only.
package shard

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tutor-dev/tutor/model/atomicfile"
)

// The shard format; the package comment lays it out.
const (
	Magic      = "TUTRTOK\x00"
	Version    = 1
	HeaderSize = 64
	// MaxVocab is the largest vocabulary a uint16 token can index.
	MaxVocab = 1 << 16
)

// Header describes the tokens of a shard.
type Header struct {
	VocabSize int   // V: every token is < V
	Tokens    int64 // N: the number of tokens after the header
	// Tokenizer is the SHA-256 of the tokenizer.json the tokens were
	// encoded with: a trainer checks it against the tokenizer it loads.
	Tokenizer [sha256.Size]byte
}

// Encode returns the bytes of a shard of tokens; h.Tokens is set from
// len(tokens). It rejects a vocabulary a uint16 cannot index and a token
// outside it.
func Encode(h Header, tokens []uint16) ([]byte, error) {
	if h.VocabSize < 1 || h.VocabSize > MaxVocab {
		return nil, fmt.Errorf("shard: vocabulary size %d must be in 1..%d for uint16 tokens", h.VocabSize, MaxVocab)
	}
	if i := firstOutOfVocab(tokens, h.VocabSize); i >= 0 {
		return nil, fmt.Errorf("shard: token %d at position %d is outside the vocabulary of %d", tokens[i], i, h.VocabSize)
	}
	b := make([]byte, HeaderSize+2*len(tokens))
	copy(b, Magic)
	binary.LittleEndian.PutUint32(b[8:], Version)
	binary.LittleEndian.PutUint32(b[12:], uint32(h.VocabSize))
	binary.LittleEndian.PutUint64(b[16:], uint64(len(tokens)))
	copy(b[24:56], h.Tokenizer[:])
	for i, t := range tokens {
		binary.LittleEndian.PutUint16(b[HeaderSize+2*i:], t)
	}
	return b, nil
}

// Decode reads a shard from its bytes and checks it: the magic, the
// version, that the size matches the token count, and that every token is
// inside the vocabulary.
func Decode(b []byte) (Header, []uint16, error) {
	var h Header
	if len(b) < HeaderSize || string(b[:8]) != Magic {
		return h, nil, errors.New("not a token shard (bad magic); build shards with `tutor data corpus`")
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != Version {
		return h, nil, fmt.Errorf("shard format version %d, this program reads version %d; rebuild the shards with this version of `tutor data corpus`", v, Version)
	}
	vocab := binary.LittleEndian.Uint32(b[12:])
	if vocab < 1 || vocab > MaxVocab {
		return h, nil, fmt.Errorf("shard header gives a vocabulary of %d, want 1..%d; the file is damaged, rebuild it", vocab, MaxVocab)
	}
	n := binary.LittleEndian.Uint64(b[16:])
	body := uint64(len(b) - HeaderSize)
	if body%2 != 0 || n != body/2 {
		return h, nil, fmt.Errorf("shard header promises %d tokens but the file holds %d bytes of tokens; it is truncated or damaged, rebuild it", n, body)
	}
	for _, z := range b[56:HeaderSize] {
		if z != 0 {
			return h, nil, errors.New("shard header's reserved bytes are not zero; the file is damaged or from a newer format")
		}
	}
	h.VocabSize, h.Tokens = int(vocab), int64(n)
	copy(h.Tokenizer[:], b[24:56])
	tokens := make([]uint16, n)
	for i := range tokens {
		tokens[i] = binary.LittleEndian.Uint16(b[HeaderSize+2*i:])
	}
	if i := firstOutOfVocab(tokens, h.VocabSize); i >= 0 {
		return h, nil, fmt.Errorf("shard token %d at position %d is outside its vocabulary of %d; the file is damaged, rebuild it", tokens[i], i, h.VocabSize)
	}
	return h, tokens, nil
}

func firstOutOfVocab(tokens []uint16, vocab int) int {
	for i, t := range tokens {
		if int(t) >= vocab {
			return i
		}
	}
	return -1
}

// Write writes a shard file, through a temporary file and a rename so
// that a failure leaves no half-written shard.
func Write(path string, h Header, tokens []uint16) error {
	b, err := Encode(h, tokens)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, b)
}

// Read reads and checks one shard file.
func Read(path string) (Header, []uint16, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Header{}, nil, err
	}
	h, tokens, err := Decode(b)
	if err != nil {
		return h, nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, tokens, nil
}

// SplitOf returns the split ("train" or "val") of a shard file name as
// Name writes it: the split, "-", three or more decimal digits, ".bin".
// ok is false for any other name.
func SplitOf(name string) (split string, ok bool) {
	split, rest, found := strings.Cut(name, "-")
	digits, isBin := strings.CutSuffix(rest, ".bin")
	if !found || !isBin || split != "train" && split != "val" || len(digits) < 3 {
		return "", false
	}
	for _, c := range []byte(digits) {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return split, true
}

// Name is the file name of shard i of a split ("train" or "val").
func Name(split string, i int) string { return fmt.Sprintf("%s-%03d.bin", split, i) }

// Paths lists the shard files of a split in dir, in stream order.
func Paths(dir, split string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range entries {
		if s, ok := SplitOf(e.Name()); ok && s == split {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no %s shards (%s) in %s; build them with `tutor data corpus --out %s`", split, Name(split, 0), dir, dir)
	}
	sort.Strings(paths)
	return paths, nil
}

// ReadSplit reads every shard of a split in dir and returns its whole token
// stream. All shards must agree on the vocabulary and the tokenizer; the
// returned header's Tokens is the total.
func ReadSplit(dir, split string) (Header, []uint16, error) {
	paths, err := Paths(dir, split)
	if err != nil {
		return Header{}, nil, err
	}
	var all Header
	var stream []uint16
	for i, p := range paths {
		h, tokens, err := Read(p)
		if err != nil {
			return Header{}, nil, err
		}
		if i == 0 {
			all = h
		} else if h.VocabSize != all.VocabSize || h.Tokenizer != all.Tokenizer {
			return Header{}, nil, fmt.Errorf("%s was encoded with another tokenizer than %s; rebuild the corpus", p, paths[0])
		}
		stream = append(stream, tokens...)
	}
	all.Tokens = int64(len(stream))
	return all, stream, nil
}
