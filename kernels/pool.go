package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// A task is the body of a parallel loop: run does job number job on behalf
// of worker number worker (0 is the calling goroutine). Tasks live in
// package-level variables guarded by the pool's lock rather than in
// closures, because a closure handed to another goroutine escapes to the
// heap and the hot paths must not allocate.
type task interface {
	run(job, worker int)
}

// workerPool runs one task at a time over a fixed set of goroutines. Jobs are
// claimed from a shared counter, so a worker that finishes early takes the
// next job and uneven jobs balance themselves; and the caller waits for the
// jobs, not for the helpers, so on a machine busy with other work a helper
// that is slow to be scheduled simply gets no jobs instead of holding the
// op up. A helper that has finished a round watches the counter for a
// short while (spinChecks) before it sleeps, since ops come one after
// another and a sleeping helper is slow to wake.
//
// The claim counter holds the round number in its high 32 bits and the
// number of the round's jobs not yet claimed in its low 32 bits; a claim
// takes job jobs-left. Whether a job is left is read from that one word,
// never from the job count: a helper that compared the old round's next
// job with the count of a round still being set up (the count is stored
// before the counter) could claim a job that was not there, run a job of
// the new round twice and end that round early. A helper that wakes late,
// after its round has ended, finds no job left or fails to claim (the
// round no longer matches) and never reads a later round's task before
// holding one of its jobs.
type workerPool struct {
	mu      sync.Mutex // held by the op using the pool, for its whole run
	workers int
	wake    []chan struct{} // one per helper goroutine (workers 1..n-1)
	claims  atomic.Uint64   // round<<32 | jobs not yet claimed
	done    atomic.Int64    // jobs of this round completed
	finish  chan struct{}   // signalled by a helper that completes a round's last job
	jobs    atomic.Int64    // jobs in this round
	current task
	tiles   [][]float32 // per-worker scratch for the gemm's edge tiles and lines
	stripsB [][]float32 // per-worker scratch for strips of B at the right edge
	rows    [][]float32 // per-worker scratch rows, grown on demand
	packA   []float32   // the gemm's packed left operand, shared by all workers
	packB   []float32   // the gemm's packed right operand
	packs   [][]float32 // per-worker packing buffers for small products
}

var (
	pool     workerPool
	poolOnce sync.Once
)

// lockPool takes the pool for one op, starting it on first use.
func lockPool() *workerPool {
	poolOnce.Do(pool.start)
	pool.mu.Lock()
	return &pool
}

func (p *workerPool) unlock() { p.mu.Unlock() }

func (p *workerPool) start() {
	p.workers = max(1, runtime.GOMAXPROCS(0))
	p.tiles = make([][]float32, p.workers)
	p.rows = make([][]float32, p.workers)
	p.packs = make([][]float32, p.workers)
	p.stripsB = make([][]float32, p.workers)
	for w := range p.tiles {
		p.tiles[w] = make([]float32, lineRows*maxNR)
		p.stripsB[w] = make([]float32, kc*maxNR)
	}
	p.finish = make(chan struct{}, 1)
	p.wake = make([]chan struct{}, p.workers)
	for w := 1; w < p.workers; w++ {
		p.wake[w] = make(chan struct{}, 1)
		go p.serve(w)
	}
}

func (p *workerPool) serve(w int) {
	for range p.wake[w] {
		round := p.claims.Load() >> 32
		for {
			if p.drain(round, w) {
				p.finish <- struct{}{}
			}
			// An op is usually followed at once by the next (a forward
			// pass at B=1 is some sixty rounds of tens to hundreds of
			// microseconds): watch the counter for a while before
			// sleeping, so that the next round finds this helper awake
			// instead of waiting for the scheduler to wake it.
			next, ok := p.await(round)
			if !ok {
				break
			}
			round = next
		}
	}
}

// spinChecks bounds how long a helper watches for the next round after
// finishing one, in reads of the claim counter with a yield to the Go
// scheduler between them: about 250 µs on the development machine. The
// forward pass at B=1, T=64 measured 4.4–4.6 ms with 2,000 or 5,000
// checks, 5.0–5.2 ms with none and with 200.
const spinChecks = 2000

// await watches the claim counter until a round after round has a job
// left, and returns that round, or gives up after spinChecks reads.
func (p *workerPool) await(round uint64) (uint64, bool) {
	for range spinChecks {
		c := p.claims.Load()
		if c>>32 != round && c&0xffffffff != 0 {
			return c >> 32, true
		}
		runtime.Gosched()
	}
	return 0, false
}

// drain runs jobs of the given round until none are left and reports
// whether it completed the round's last job.
func (p *workerPool) drain(round uint64, w int) (last bool) {
	for {
		c := p.claims.Load()
		left := int64(c & 0xffffffff)
		if c>>32 != round || left == 0 {
			return false
		}
		if !p.claims.CompareAndSwap(c, c-1) {
			continue
		}
		// Holding a job of this round, the round cannot end, so its task
		// and job count stay put until the job is counted done.
		jobs := p.jobs.Load()
		p.current.run(int(jobs-left), w)
		if p.done.Add(1) == jobs {
			return true
		}
	}
}

// parallel runs jobs 0..jobs-1 of t and returns when all are done. The
// caller must hold the pool (lockPool). jobs must be below 1<<32 (the ops
// ask for at most a few thousand).
func (p *workerPool) parallel(jobs int, t task) {
	if jobs <= 0 {
		return
	}
	if jobs == 1 || p.workers == 1 {
		for j := range jobs {
			t.run(j, 0)
		}
		return
	}
	round := p.claims.Load()>>32 + 1
	p.current = t
	p.jobs.Store(int64(jobs))
	p.done.Store(0)
	p.claims.Store(round<<32 | uint64(jobs)) // publishes the task: helpers claim through this
	for w := 1; w < min(p.workers, jobs); w++ {
		select {
		case p.wake[w] <- struct{}{}:
		default: // already has a wake-up pending
		}
	}
	if !p.drain(round, 0) {
		<-p.finish // a helper completed the last job, or will
	}
	// Keep p.current: a helper that claimed nothing may still be reading
	// the counter, never the task; the next round overwrites it.
}

// row returns worker w's scratch row of at least n floats. It allocates only
// when a longer row than ever before is asked for.
func (p *workerPool) row(w, n int) []float32 {
	if len(p.rows[w]) < n {
		p.rows[w] = make([]float32, n)
	}
	return p.rows[w][:n]
}

// pack returns worker w's packing buffer of at least n floats, for the
// products one worker runs alone (attention's, per head).
func (p *workerPool) pack(w, n int) []float32 {
	if len(p.packs[w]) < n {
		p.packs[w] = make([]float32, n)
	}
	return p.packs[w][:n]
}

// stripB returns worker w's scratch for a strip of B of n floats (at most
// kc×maxNR).
func (p *workerPool) stripB(w, n int) []float32 { return p.stripsB[w][:n] }

// grow returns buf with length n, reusing its storage when it is big enough.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

// chunks splits n items into at most parts ranges of at least minSize items
// (the last may be shorter) and returns how many ranges and their size.
func chunks(n, parts, minSize int) (count, size int) {
	if n == 0 {
		return 0, 0
	}
	size = max(minSize, (n+parts-1)/parts)
	return (n + size - 1) / size, size
}
