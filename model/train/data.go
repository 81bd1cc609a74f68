package train

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strings"

	"github.com/tutor-dev/tutor/model/shard"
	"github.com/tutor-dev/tutor/model/tokenizer"
)

// TokenizerFile is the name of the tokenizer in a run directory (and in a
// corpus build).
const TokenizerFile = "tokenizer.json"

// vocabFile is a loaded tokenizer with the bytes and SHA-256 of its file:
// the hash ties token ids to the tokenizer that made them (shards, runs).
type vocabFile struct {
	tok  *tokenizer.Tokenizer
	data []byte
	sha  string // hex
	path string
}

func readTokenizer(path string) (*vocabFile, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no tokenizer at %s; set \"data\": {\"tokenizer\": ...} to the tokenizer.json the data was encoded with (the shared one is data/tokenizer/tokenizer.json)", path)
	}
	if err != nil {
		return nil, err
	}
	return parseTokenizer(data, path)
}

// parseTokenizer reads the tokenizer.json data read from path.
func parseTokenizer(data []byte, path string) (*vocabFile, error) {
	tok, err := tokenizer.ReadJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if tok.VocabSize() > shard.MaxVocab {
		return nil, fmt.Errorf("%s has %d tokens; training streams hold uint16 ids, so at most %d", path, tok.VocabSize(), shard.MaxVocab)
	}
	sum := sha256.Sum256(data)
	return &vocabFile{tok: tok, data: data, sha: hex.EncodeToString(sum[:]), path: path}, nil
}

// readCorpus reads the train and val token streams of a corpus build and
// checks that they were encoded with vocab.
func readCorpus(dir string, vocab *vocabFile) (train, val []uint16, err error) {
	if train, err = readSplit(dir, "train", vocab); err != nil {
		return nil, nil, err
	}
	if val, err = readSplit(dir, "val", vocab); err != nil {
		return nil, nil, err
	}
	return train, val, nil
}

// readSplit reads one split of a corpus build.
func readSplit(dir, split string, vocab *vocabFile) ([]uint16, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no corpus at %s: build it with `tutor data corpus` (it writes data/corpus/build), or point \"data\": {\"corpus\": ...} at a build", dir)
	}
	h, tokens, err := shard.ReadSplit(dir, split)
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", dir, err)
	}
	if got := hex.EncodeToString(h.Tokenizer[:]); got != vocab.sha {
		return nil, fmt.Errorf("the %s shards in %s were encoded with another tokenizer (sha256 %s…) than %s (%s…); use the corpus's own tokenizer.json or rebuild the corpus with this one",
			split, dir, got[:12], vocab.path, vocab.sha[:12])
	}
	return tokens, nil
}

// readText tokenizes a text file the way the corpus shards are made: every
// document (a run of lines between blank lines) starts with the
// end-of-text token, and every line is encoded with its newline.
func readText(path string, tok *tokenizer.Tokenizer) ([]uint16, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading training text: %w", err)
	}
	var stream []uint16
	var ids []int
	newDoc := true
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \t\r")
		if line == "" {
			newDoc = true
			continue
		}
		if newDoc {
			stream = append(stream, tokenizer.EndOfText)
			newDoc = false
		}
		ids = tok.AppendEncode(ids[:0], line+"\n")
		for _, id := range ids {
			stream = append(stream, uint16(id))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(stream) == 0 {
		return nil, fmt.Errorf("%s has no text; it must hold paragraphs, one a line", path)
	}
	return stream, nil
}

// firstN keeps the first n tokens of s (all of them when n is 0).
func firstN(s []uint16, n int64) []uint16 {
	if n > 0 && int64(len(s)) > n {
		return s[:n]
	}
	return s
}

// unigram is a model of each token's frequency in the training data, the
// baseline a language model must beat: add-one smoothed over V outcomes so
// that a token never seen in training costs log(N+V), not infinity.
type unigram struct {
	nll []float64 // (V) −log p(token)
}

func newUnigram(counts []int64) *unigram {
	var n int64
	for _, c := range counts {
		n += c
	}
	u := &unigram{nll: make([]float64, len(counts))}
	den := math.Log(float64(n + int64(len(counts))))
	for v, c := range counts {
		u.nll[v] = den - math.Log(float64(c+1))
	}
	return u
}

// tokenUnigram counts the tokens of a training stream over a vocabulary
// of V.
func tokenUnigram(stream []uint16, V int) *unigram {
	counts := make([]int64, V)
	for _, t := range stream {
		if int(t) < V {
			counts[t]++
		}
	}
	return newUnigram(counts)
}

// cost is −log p(y), or 0 for an outcome outside the table.
func (u *unigram) cost(y int32) float64 {
	if u == nil || y < 0 || int(y) >= len(u.nll) {
		return 0
	}
	return u.nll[y]
}
