package corpus

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/tutor-dev/tutor/model/atomicfile"
)

// The shard format; the package comment lays it out.
const (
	ShardMagic      = "TUTRTOK\x00"
	ShardVersion    = 1
	ShardHeaderSize = 64
	// MaxVocab is the largest vocabulary a uint16 token can index.
	MaxVocab = 1 << 16
)

// ShardHeader describes the tokens of a shard.
type ShardHeader struct {
	VocabSize int   // V: every token is < V
	Tokens    int64 // N: the number of tokens after the header
	// Tokenizer is the SHA-256 of the tokenizer.json the tokens were
	// encoded with: a trainer checks it against the tokenizer it loads.
	Tokenizer [sha256.Size]byte
}

// EncodeShard returns the bytes of a shard of tokens; h.Tokens is set from
// len(tokens). It rejects a vocabulary a uint16 cannot index and a token
// outside it.
func EncodeShard(h ShardHeader, tokens []uint16) ([]byte, error) {
	if h.VocabSize < 1 || h.VocabSize > MaxVocab {
		return nil, fmt.Errorf("shard: vocabulary size %d must be in 1..%d for uint16 tokens", h.VocabSize, MaxVocab)
	}
	if i := firstOutOfVocab(tokens, h.VocabSize); i >= 0 {
		return nil, fmt.Errorf("shard: token %d at position %d is outside the vocabulary of %d", tokens[i], i, h.VocabSize)
	}
	b := make([]byte, ShardHeaderSize+2*len(tokens))
	copy(b, ShardMagic)
	binary.LittleEndian.PutUint32(b[8:], ShardVersion)
	binary.LittleEndian.PutUint32(b[12:], uint32(h.VocabSize))
	binary.LittleEndian.PutUint64(b[16:], uint64(len(tokens)))
	copy(b[24:56], h.Tokenizer[:])
	for i, t := range tokens {
		binary.LittleEndian.PutUint16(b[ShardHeaderSize+2*i:], t)
	}
	return b, nil
}

// DecodeShard reads a shard from its bytes and checks it: the magic, the
// version, that the size matches the token count, and that every token is
// inside the vocabulary.
func DecodeShard(b []byte) (ShardHeader, []uint16, error) {
	var h ShardHeader
	if len(b) < ShardHeaderSize || string(b[:8]) != ShardMagic {
		return h, nil, errors.New("not a token shard (bad magic); build shards with `tutor data corpus`")
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != ShardVersion {
		return h, nil, fmt.Errorf("shard format version %d, this program reads version %d; rebuild the shards with this version of `tutor data corpus`", v, ShardVersion)
	}
	vocab := binary.LittleEndian.Uint32(b[12:])
	if vocab < 1 || vocab > MaxVocab {
		return h, nil, fmt.Errorf("shard header gives a vocabulary of %d, want 1..%d; the file is damaged, rebuild it", vocab, MaxVocab)
	}
	n := binary.LittleEndian.Uint64(b[16:])
	body := uint64(len(b) - ShardHeaderSize)
	if body%2 != 0 || n != body/2 {
		return h, nil, fmt.Errorf("shard header promises %d tokens but the file holds %d bytes of tokens; it is truncated or damaged, rebuild it", n, body)
	}
	for _, z := range b[56:ShardHeaderSize] {
		if z != 0 {
			return h, nil, errors.New("shard header's reserved bytes are not zero; the file is damaged or from a newer format")
		}
	}
	h.VocabSize, h.Tokens = int(vocab), int64(n)
	copy(h.Tokenizer[:], b[24:56])
	tokens := make([]uint16, n)
	for i := range tokens {
		tokens[i] = binary.LittleEndian.Uint16(b[ShardHeaderSize+2*i:])
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

// WriteShard writes a shard file, through a temporary file and a rename so
// that a failure leaves no half-written shard.
func WriteShard(path string, h ShardHeader, tokens []uint16) error {
	b, err := EncodeShard(h, tokens)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, b)
}

// ReadShard reads and checks one shard file.
func ReadShard(path string) (ShardHeader, []uint16, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return ShardHeader{}, nil, err
	}
	h, tokens, err := DecodeShard(b)
	if err != nil {
		return h, nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, tokens, nil
}

// shardName matches the shard files of a split: train-000.bin, ...
var shardName = regexp.MustCompile(`^(train|val)-\d{3,}\.bin$`)

// ShardName is the file name of shard i of a split ("train" or "val").
func ShardName(split string, i int) string { return fmt.Sprintf("%s-%03d.bin", split, i) }

// ShardPaths lists the shard files of a split in dir, in stream order.
func ShardPaths(dir, split string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range entries {
		if m := shardName.FindStringSubmatch(e.Name()); m != nil && m[1] == split {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no %s shards (%s) in %s; build them with `tutor data corpus --out %s`", split, ShardName(split, 0), dir, dir)
	}
	sort.Strings(paths)
	return paths, nil
}

// ReadSplit reads every shard of a split in dir and returns its whole token
// stream. All shards must agree on the vocabulary and the tokenizer; the
// returned header's Tokens is the total.
func ReadSplit(dir, split string) (ShardHeader, []uint16, error) {
	paths, err := ShardPaths(dir, split)
	if err != nil {
		return ShardHeader{}, nil, err
	}
	var all ShardHeader
	var stream []uint16
	for i, p := range paths {
		h, tokens, err := ReadShard(p)
		if err != nil {
			return ShardHeader{}, nil, err
		}
		if i == 0 {
			all = h
		} else if h.VocabSize != all.VocabSize || h.Tokenizer != all.Tokenizer {
			return ShardHeader{}, nil, fmt.Errorf("%s was encoded with another tokenizer than %s; rebuild the corpus", p, paths[0])
		}
		stream = append(stream, tokens...)
	}
	all.Tokens = int64(len(stream))
	return all, stream, nil
}
