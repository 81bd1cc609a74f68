package tokenizer

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// wordCounter counts the pieces of a text stream in bounded memory: when it
// holds more than maxWords distinct pieces it forgets the rarest until half
// remain (lossy counting). What it forgets depends only on the counts, so the
// same text always leaves the same table.
type wordCounter struct {
	counts       map[string]int64
	maxWords     int
	maxWordBytes int
	chunk        int // bytes read at a time

	bytesRead int64
	pieces    int64
	peakWords int
	pruned    int64 // distinct words forgotten, summed over prunings
}

func newWordCounter(maxWords, maxWordBytes int) *wordCounter {
	return &wordCounter{
		counts:       make(map[string]int64),
		maxWords:     maxWords,
		maxWordBytes: maxWordBytes,
		chunk:        1 << 20,
	}
}

// countReader counts every piece of r. onChunk is called after each chunk.
func (c *wordCounter) countReader(r io.Reader, onChunk func()) error {
	buf := make([]byte, 0, 2*c.chunk)
	for {
		if cap(buf)-len(buf) < c.chunk {
			buf = append(make([]byte, 0, 2*len(buf)+c.chunk), buf...)
		}
		n, err := io.ReadFull(r, buf[len(buf):len(buf)+c.chunk])
		buf = buf[:len(buf)+n]
		c.bytesRead += int64(n)
		atEnd := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !atEnd {
			return fmt.Errorf("tokenizer: reading training text: %w", err)
		}
		kept := c.countComplete(buf, atEnd)
		buf = append(buf[:0], buf[len(buf)-kept:]...)
		if onChunk != nil {
			onChunk()
		}
		if atEnd {
			return nil
		}
	}
}

// countComplete counts the pieces of buf that more text cannot change and
// returns how many bytes at its end it left for the next call. A piece is
// final once utf8.UTFMax bytes follow it: deciding where a piece ends looks
// at most that far ahead (a contraction such as 're, the character after a
// space). At the end of the text it counts everything. It also counts
// everything when one unfinished piece has grown to maxHeld bytes, which only
// a pathological text does (such a piece is counted in parts of
// maxWordBytes anyway).
func (c *wordCounter) countComplete(buf []byte, atEnd bool) int {
	limit := len(buf)
	if !atEnd {
		limit -= cutRuneTail(buf)
	}
	start := 0
	for start < limit {
		end := nextPiece(buf[:limit], start)
		if !atEnd && end+utf8.UTFMax > limit && (start > 0 || len(buf) < maxHeld) {
			break
		}
		c.add(buf[start:end])
		start = end
	}
	return len(buf) - start
}

// maxHeld bounds the text held back waiting for a piece to end.
const maxHeld = 16 << 20

// cutRuneTail returns how many bytes at the end of buf begin a UTF-8
// sequence that the next read may complete.
func cutRuneTail(buf []byte) int {
	for back := 1; back <= utf8.UTFMax && back <= len(buf); back++ {
		b := buf[len(buf)-back]
		if utf8.RuneStart(b) {
			if b >= utf8.RuneSelf && !utf8.FullRune(buf[len(buf)-back:]) {
				return back
			}
			return 0
		}
	}
	return 0
}

// add counts one piece, in parts of at most maxWordBytes cut at character
// boundaries: a long run of letters (Chinese has no spaces) would otherwise
// be one rare word whose pairs are lost when it is forgotten, and merges
// learned inside the parts apply to the whole run.
func (c *wordCounter) add(piece []byte) {
	c.pieces++
	for len(piece) > c.maxWordBytes {
		cut := c.maxWordBytes
		for cut > 1 && !utf8.RuneStart(piece[cut]) {
			cut--
		}
		c.addWord(piece[:cut])
		piece = piece[cut:]
	}
	c.addWord(piece)
}

func (c *wordCounter) addWord(word []byte) {
	if n, ok := c.counts[string(word)]; ok {
		c.counts[string(word)] = n + 1
		return
	}
	if len(c.counts) >= c.maxWords {
		c.prune()
	}
	c.counts[string(word)] = 1
	c.peakWords = max(c.peakWords, len(c.counts))
}

// prune forgets every word whose count is at most the smallest threshold
// that leaves no more than half of maxWords, making room for new words.
func (c *wordCounter) prune() {
	keep := c.maxWords / 2
	// histogram[k] counts the words seen exactly k times; the last bucket
	// holds all more frequent words, which are never forgotten at once.
	const buckets = 1 << 16
	var histogram [buckets + 1]int
	for _, n := range c.counts {
		histogram[min(n, buckets)]++
	}
	remaining := len(c.counts)
	threshold := int64(0)
	for k := 1; k < buckets && remaining > keep; k++ {
		remaining -= histogram[k]
		threshold = int64(k)
	}
	for w, n := range c.counts {
		if n <= threshold {
			delete(c.counts, w)
			c.pruned++
		}
	}
}
