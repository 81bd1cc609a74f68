package tokenizer

import (
	"container/heap"
	"fmt"
	"io"
	"sort"
)

// TrainOptions control Train. The zero value trains the project's tokenizer.
type TrainOptions struct {
	// VocabSize is V, the special and byte tokens included (at least
	// FirstMerge); 0 means DefaultVocabSize. Training stops early when no
	// pair is seen MinCount times, so a small text gives a smaller V.
	VocabSize int
	// MinCount is how often a pair must occur to be merged; 0 means 2.
	MinCount int
	// MaxWords bounds memory: the most distinct words held while counting;
	// past it the rarest are forgotten. Memory grows with it, about 250
	// bytes a word at peak. 0 means DefaultMaxWords.
	MaxWords int
	// MaxWordBytes is the longest word counted whole; longer pieces are
	// counted in parts of at most this many bytes. 0 means 64.
	MaxWordBytes int
	// Progress, if set, is called as training goes (after each MiB of text
	// and every 100 merges) and once at the end.
	Progress func(TrainProgress)
}

// DefaultMaxWords holds about 1M distinct words. Training on 40 MB of random
// words (4M distinct, so pruned three times) peaked at 260 MB of Go heap.
const DefaultMaxWords = 1 << 20

// TrainProgress says how far Train has come.
type TrainProgress struct {
	Phase        string // "count", "merge" or "done"
	BytesRead    int64  // text read so far
	Pieces       int64  // pre-tokenized pieces counted
	Words        int    // distinct words held now
	PeakWords    int    // the most distinct words held at once (≤ MaxWords)
	PrunedWords  int64  // distinct words forgotten to stay under MaxWords
	Merges       int    // merges learned
	LastMergeUse int64  // how often the last merged pair occurred
}

func (o TrainOptions) withDefaults() (TrainOptions, error) {
	if o.VocabSize == 0 {
		o.VocabSize = DefaultVocabSize
	}
	if o.MinCount == 0 {
		o.MinCount = 2
	}
	if o.MaxWords == 0 {
		o.MaxWords = DefaultMaxWords
	}
	if o.MaxWordBytes == 0 {
		o.MaxWordBytes = 64
	}
	switch {
	case o.VocabSize < FirstMerge || o.VocabSize > 1<<31-1:
		return o, fmt.Errorf("tokenizer: VocabSize %d must be at least %d (%d special tokens and 256 bytes)", o.VocabSize, FirstMerge, NumSpecial)
	case o.MinCount < 1:
		return o, fmt.Errorf("tokenizer: MinCount %d must be at least 1", o.MinCount)
	case o.MaxWords < 2:
		return o, fmt.Errorf("tokenizer: MaxWords %d must be at least 2", o.MaxWords)
	case o.MaxWordBytes < utf8MaxBytes:
		return o, fmt.Errorf("tokenizer: MaxWordBytes %d must be at least %d (one character)", o.MaxWordBytes, utf8MaxBytes)
	}
	return o, nil
}

const utf8MaxBytes = 4

// Train learns a byte-level BPE vocabulary from the text r yields, reading
// it once in chunks: memory is bounded by opts.MaxWords, not by the size of
// the text. The same text and options always give the same tokenizer.
func Train(r io.Reader, opts TrainOptions) (*Tokenizer, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	counter := newWordCounter(opts.MaxWords, opts.MaxWordBytes)
	words := func() int { return len(counter.counts) }
	progress := func(phase string, merges int, lastUse int64) {
		if opts.Progress != nil {
			opts.Progress(TrainProgress{
				Phase: phase, BytesRead: counter.bytesRead, Pieces: counter.pieces,
				Words: words(), PeakWords: counter.peakWords, PrunedWords: counter.pruned,
				Merges: merges, LastMergeUse: lastUse,
			})
		}
	}
	if err := counter.countReader(r, func() { progress("count", 0, 0) }); err != nil {
		return nil, err
	}
	m := newMerger(counter.counts)
	// The merger has copied the words; the table (which never shrinks,
	// being a map) can go before merging needs its own memory.
	counter.counts = nil
	words = func() int { return len(m.words) }
	merges := m.learn(opts.VocabSize-FirstMerge, int64(opts.MinCount), func(n int, use int64) {
		progress("merge", n, use)
	})
	t, err := newTokenizer(merges)
	if err != nil {
		return nil, err
	}
	progress("done", len(merges), m.lastUse)
	return t, nil
}

// merger learns merges over a table of word counts, keeping the count of
// every adjacent pair up to date as merges change the words, instead of
// recounting: a merge touches only the words that hold its pair.
type merger struct {
	words  []trainWord
	pairs  map[uint64]int64   // occurrences of each pair, weighted by word count
	where  map[uint64][]int32 // words that hold (or once held) each pair
	queue  pairQueue          // pairs by count; entries may be stale (too high)
	pieces [][]byte           // bytes of each token id
	known  map[string]bool    // every token's bytes, to never make one twice
	next   int32              // id of the next merged token

	lastUse int64
	fresh   map[uint64]bool // pairs the current merge created
}

type trainWord struct {
	symbols []int32
	count   int64
}

func newMerger(counts map[string]int64) *merger {
	m := &merger{
		pairs:  make(map[uint64]int64),
		where:  make(map[uint64][]int32),
		pieces: make([][]byte, FirstMerge),
		known:  make(map[string]bool),
		next:   FirstMerge,
	}
	for b := range 256 {
		m.pieces[FirstByte+b] = []byte{byte(b)}
		m.known[string([]byte{byte(b)})] = true
	}
	// Sorted, so that nothing below depends on map order.
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	sort.Strings(words)
	m.words = make([]trainWord, len(words))
	// All words' symbols in one allocation: fewer objects for the collector.
	total := 0
	for _, w := range words {
		total += len(w)
	}
	arena := make([]int32, 0, total)
	for i, w := range words {
		start := len(arena)
		for j := range len(w) {
			arena = append(arena, FirstByte+int32(w[j]))
		}
		symbols := arena[start:len(arena):len(arena)]
		m.words[i] = trainWord{symbols: symbols, count: counts[w]}
		for j := 0; j+1 < len(symbols); j++ {
			m.addPair(symbols[j], symbols[j+1], counts[w], int32(i))
		}
	}
	for key, n := range m.pairs {
		m.queue = append(m.queue, pairCount{left: int32(key >> 32), right: int32(uint32(key)), count: n})
	}
	heap.Init(&m.queue)
	return m
}

// addPair changes the count of a pair by delta; w is the word that gained it.
func (m *merger) addPair(left, right int32, delta int64, w int32) {
	key := pairKey(left, right)
	n := m.pairs[key] + delta
	if n == 0 {
		delete(m.pairs, key)
	} else {
		m.pairs[key] = n
	}
	if delta > 0 {
		if list := m.where[key]; len(list) == 0 || list[len(list)-1] != w {
			m.where[key] = append(list, w)
		}
	}
}

// learn makes up to limit merges, most frequent pair first (ties: lower left
// id, then lower right id), stopping when the best pair is rarer than
// minCount.
func (m *merger) learn(limit int, minCount int64, onMerge func(int, int64)) []Merge {
	merges := make([]Merge, 0, limit)
	for len(merges) < limit {
		best, ok := m.best(minCount)
		if !ok {
			break
		}
		merges = append(merges, m.merge(best))
		if len(merges)%100 == 0 {
			onMerge(len(merges), m.lastUse)
		}
	}
	return merges
}

// best pops the most frequent pair that may still be merged.
func (m *merger) best(minCount int64) (pairCount, bool) {
	for m.queue.Len() > 0 {
		top := heap.Pop(&m.queue).(pairCount)
		key := pairKey(top.left, top.right)
		n := m.pairs[key]
		if n != top.count { // merges since it was queued made it rarer
			if n > 0 {
				heap.Push(&m.queue, pairCount{left: top.left, right: top.right, count: n})
			} else {
				delete(m.where, key)
			}
			continue
		}
		if n < minCount {
			return pairCount{}, false
		}
		joined := string(m.pieces[top.left]) + string(m.pieces[top.right])
		if m.known[joined] {
			// Another pair already spells this token. The pair leaves the
			// queue for good (only a pop re-queues an old pair); its count
			// stays, as merges next to it keep moving it.
			delete(m.where, key)
			continue
		}
		return top, true
	}
	return pairCount{}, false
}

// merge replaces the pair in every word that holds it with a new token.
func (m *merger) merge(p pairCount) Merge {
	id := m.next
	m.next++
	piece := append(append([]byte{}, m.pieces[p.left]...), m.pieces[p.right]...)
	m.pieces = append(m.pieces, piece)
	m.known[string(piece)] = true
	m.lastUse = p.count
	m.fresh = make(map[uint64]bool)
	key := pairKey(p.left, p.right)
	for _, w := range m.where[key] {
		m.mergeInWord(w, p.left, p.right, id)
	}
	delete(m.where, key)
	delete(m.pairs, key)
	for k := range m.fresh {
		if n := m.pairs[k]; n > 0 {
			heap.Push(&m.queue, pairCount{left: int32(k >> 32), right: int32(uint32(k)), count: n})
		}
	}
	return Merge{Left: p.left, Right: p.right, Result: id}
}

// mergeInWord replaces each left,right in word w, left to right, with id and
// moves the counts of the pairs around each replacement.
func (m *merger) mergeInWord(w int32, left, right, id int32) {
	word := &m.words[w]
	s, c := word.symbols, word.count
	out := 0
	for i := 0; i < len(s); {
		if i+1 < len(s) && s[i] == left && s[i+1] == right {
			if out > 0 {
				before := s[out-1] // already rewritten if it was merged too
				m.addPair(before, left, -c, w)
				m.addFresh(before, id, c, w)
			}
			if i+2 < len(s) {
				after := s[i+2]
				m.addPair(right, after, -c, w)
				m.addFresh(id, after, c, w)
			}
			m.addPair(left, right, -c, w)
			s[out] = id
			out++
			i += 2
			continue
		}
		s[out] = s[i]
		out++
		i++
	}
	word.symbols = s[:out]
}

func (m *merger) addFresh(left, right int32, c int64, w int32) {
	m.addPair(left, right, c, w)
	m.fresh[pairKey(left, right)] = true
}

// pairCount is a queued pair with its count when queued.
type pairCount struct {
	left, right int32
	count       int64
}

// pairQueue is a max-heap on count; ties go to the lower ids, so that the
// same counts always give the same merges.
type pairQueue []pairCount

func (q pairQueue) Len() int { return len(q) }
func (q pairQueue) Less(i, j int) bool {
	a, b := q[i], q[j]
	if a.count != b.count {
		return a.count > b.count
	}
	if a.left != b.left {
		return a.left < b.left
	}
	return a.right < b.right
}
func (q pairQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *pairQueue) Push(x any)   { *q = append(*q, x.(pairCount)) }
func (q *pairQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}
