package tokenizer

import (
	"sync"
	"unsafe"
)

// Encode returns the token ids of text. Special-token strings in text are
// encoded as ordinary text (see the package comment); invalid UTF-8 is kept
// byte for byte.
func (t *Tokenizer) Encode(text string) []int {
	return t.AppendEncode(make([]int, 0, len(text)/3+1), text)
}

// AppendEncode appends the token ids of text to dst and returns the extended
// slice; with a dst of enough capacity it does not allocate.
func (t *Tokenizer) AppendEncode(dst []int, text string) []int {
	// The bytes are only read, never written or kept.
	s := unsafe.Slice(unsafe.StringData(text), len(text))
	w := wordPool.Get().(*wordScratch)
	if w.owner != t {
		w.forget(t)
	}
	for i := 0; i < len(s); {
		end := nextPiece(s, i)
		dst = w.appendCached(dst, s[i:end])
		i = end
	}
	wordPool.Put(w)
	return dst
}

// wordScratch holds what encoding a word needs, reused across words and
// calls so that encoding does not allocate: the merging buffers, and a cache
// of the tokens of words already seen (text repeats its words; a hit costs
// one lookup instead of a merge queue). One scratch serves one goroutine at
// a time, so the cache needs no lock.
type wordScratch struct {
	owner   *Tokenizer
	symbols []symbol
	queue   mergeQueue
	cache   map[string]tokenSpan
	tokens  []int32 // the cached tokens, spans of it
}

type tokenSpan struct{ start, end int32 }

// Cache bounds: past either, the cache starts again empty.
const (
	cacheWords  = 1 << 14
	cacheTokens = 1 << 17
	// cacheMinBytes: shorter words merge faster than they hash.
	cacheMinBytes = 3
)

var wordPool = sync.Pool{New: func() any { return new(wordScratch) }}

// forget empties the cache and gives it to tokenizer t.
func (w *wordScratch) forget(t *Tokenizer) {
	w.owner = t
	if w.cache == nil {
		w.cache = make(map[string]tokenSpan, cacheWords)
	}
	clear(w.cache)
	w.tokens = w.tokens[:0]
}

// appendCached appends the tokens of word, from the cache if it is there.
func (w *wordScratch) appendCached(dst []int, word []byte) []int {
	if len(word) < cacheMinBytes {
		return w.owner.appendWord(dst, word, w)
	}
	if span, ok := w.cache[string(word)]; ok {
		for _, id := range w.tokens[span.start:span.end] {
			dst = append(dst, int(id))
		}
		return dst
	}
	start := len(dst)
	dst = w.owner.appendWord(dst, word, w)
	if len(w.cache) >= cacheWords || len(w.tokens)+len(dst)-start > cacheTokens {
		w.forget(w.owner)
	}
	span := tokenSpan{start: int32(len(w.tokens))}
	for _, id := range dst[start:] {
		w.tokens = append(w.tokens, int32(id))
	}
	span.end = int32(len(w.tokens))
	w.cache[string(word)] = span
	return dst
}

// symbol is one token of a word being merged, in a linked list over the
// word's bytes. A symbol merged into its left neighbour is dead.
type symbol struct {
	id         int32
	prev, next int32 // positions of the neighbours, -1 at the ends
	dead       bool
}

// appendWord merges the bytes of one piece into tokens, replaying what
// sugarme's bpe.Word.MergeAll does step for step, so that the two agree even
// where the order of equal-rank merges matters (package comment).
func (t *Tokenizer) appendWord(dst []int, word []byte, w *wordScratch) []int {
	if len(word) == 1 {
		return append(dst, FirstByte+int(word[0]))
	}
	n := int32(len(word))
	sym := w.symbols[:0]
	for i, b := range word {
		sym = append(sym, symbol{id: FirstByte + int32(b), prev: int32(i) - 1, next: int32(i) + 1})
	}
	sym[n-1].next = -1
	q := &w.queue
	q.reset()
	for i := int32(0); i+1 < n; i++ {
		if rank, id, ok := t.ranks.find(sym[i].id, sym[i+1].id); ok {
			q.push(pendingMerge{pos: i, rank: rank, result: id})
		}
	}
	for q.len() > 0 {
		top := q.pop()
		t.applyMerge(sym, top, q)
	}
	for i := range sym {
		if !sym[i].dead {
			dst = append(dst, int(sym[i].id))
		}
	}
	w.symbols = sym
	return dst
}

// applyMerge carries out a queued merge if it is still current, and queues
// the merges the new token makes possible with its neighbours.
func (t *Tokenizer) applyMerge(sym []symbol, top pendingMerge, q *mergeQueue) {
	cur := &sym[top.pos]
	if cur.dead || cur.next == -1 {
		return
	}
	right := sym[cur.next]
	if _, id, ok := t.ranks.find(cur.id, right.id); !ok || id != top.result {
		return // an earlier merge changed one side of this pair
	}
	sym[cur.next].dead = true
	cur.id = top.result
	cur.next = right.next
	if right.next >= 0 {
		sym[right.next].prev = top.pos
	}
	if cur.prev >= 0 {
		if rank, id, ok := t.ranks.find(sym[cur.prev].id, cur.id); ok {
			q.push(pendingMerge{pos: cur.prev, rank: rank, result: id})
		}
	}
	if cur.next >= 0 {
		if rank, id, ok := t.ranks.find(cur.id, sym[cur.next].id); ok {
			q.push(pendingMerge{pos: top.pos, rank: rank, result: id})
		}
	}
}

// pendingMerge is a merge waiting in the queue: the pair that starts at
// symbol pos may become token result.
type pendingMerge struct {
	pos, rank, result int32
}

// mergeQueue is a binary min-heap on rank that breaks no ties: equal ranks
// come out in whatever order the sift steps leave them. It makes exactly the
// comparisons and swaps of github.com/emirpasic/gods/trees/binaryheap, which
// sugarme uses with a comparator that sees equal ranks as equal, so the
// order of equal-rank pops is the same as sugarme's.
type mergeQueue struct {
	items []pendingMerge
}

func (q *mergeQueue) reset()   { q.items = q.items[:0] }
func (q *mergeQueue) len() int { return len(q.items) }

func (q *mergeQueue) push(m pendingMerge) {
	q.items = append(q.items, m)
	i := len(q.items) - 1
	for i > 0 {
		parent := (i - 1) >> 1
		if q.items[parent].rank <= q.items[i].rank {
			break
		}
		q.items[i], q.items[parent] = q.items[parent], q.items[i]
		i = parent
	}
}

func (q *mergeQueue) pop() pendingMerge {
	top := q.items[0]
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	q.items = q.items[:last]
	q.siftDown()
	return top
}

func (q *mergeQueue) siftDown() {
	size := len(q.items)
	i := 0
	for {
		left := 2*i + 1
		if left >= size {
			return
		}
		smaller := left
		if right := left + 1; right < size && q.items[left].rank > q.items[right].rank {
			smaller = right
		}
		if q.items[i].rank <= q.items[smaller].rank {
			return
		}
		q.items[i], q.items[smaller] = q.items[smaller], q.items[i]
		i = smaller
	}
}

// pairTable finds a merge by its pair of token ids: an open-addressing hash
// table with linear probing, about twice as fast as a Go map here, where
// encoding spends most of its time looking pairs up.
type pairTable struct {
	slots []pairSlot // a power of two, at most half full
	shift uint       // 64 - log2(len(slots))
}

type pairSlot struct {
	key          uint64 // pairKey+1; 0 marks an empty slot
	rank, result int32
}

func newPairTable(n int) pairTable {
	size := 16
	for size < 2*n {
		size *= 2
	}
	shift := uint(64)
	for s := size; s > 1; s >>= 1 {
		shift--
	}
	return pairTable{slots: make([]pairSlot, size), shift: shift}
}

func pairKey(left, right int32) uint64 { return uint64(uint32(left))<<32 | uint64(uint32(right)) }

// slot is where the search for key starts (Fibonacci hashing).
func (p *pairTable) slot(key uint64) int { return int((key * 0x9E3779B97F4A7C15) >> p.shift) }

// insert adds a merge; it reports false if the pair is already there. The
// table is sized for the merges it is built with and must not grow past them.
func (p *pairTable) insert(left, right, rank, result int32) bool {
	key := pairKey(left, right) + 1
	mask := len(p.slots) - 1
	for i := p.slot(key); ; i = (i + 1) & mask {
		switch p.slots[i].key {
		case 0:
			p.slots[i] = pairSlot{key: key, rank: rank, result: result}
			return true
		case key:
			return false
		}
	}
}

func (p *pairTable) find(left, right int32) (rank, result int32, ok bool) {
	key := pairKey(left, right) + 1
	mask := len(p.slots) - 1
	for i := p.slot(key); ; i = (i + 1) & mask {
		switch s := &p.slots[i]; s.key {
		case key:
			return s.rank, s.result, true
		case 0:
			return 0, 0, false
		}
	}
}
