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
// claimed from an atomic counter, so a worker that finishes early takes the
// next job and uneven jobs balance themselves.
type workerPool struct {
	mu      sync.Mutex // held by the op using the pool, for its whole run
	workers int
	wake    []chan struct{} // one per helper goroutine (workers 1..n-1)
	done    sync.WaitGroup
	next    atomic.Int64
	jobs    int64
	current task
	tiles   [][]float32 // per-worker scratch for the gemm's edge tiles
	rows    [][]float32 // per-worker scratch rows, grown on demand
	packA   []float32   // the gemm's packed left operand, shared by all workers
	packB   []float32   // the gemm's packed right operand
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
	for w := range p.tiles {
		p.tiles[w] = make([]float32, maxTile)
	}
	p.wake = make([]chan struct{}, p.workers)
	for w := 1; w < p.workers; w++ {
		p.wake[w] = make(chan struct{}, 1)
		go p.serve(w)
	}
}

func (p *workerPool) serve(w int) {
	for range p.wake[w] {
		p.drain(w)
		p.done.Done()
	}
}

// drain runs jobs until none are left.
func (p *workerPool) drain(w int) {
	for {
		j := p.next.Add(1) - 1
		if j >= p.jobs {
			return
		}
		p.current.run(int(j), w)
	}
}

// parallel runs jobs 0..jobs-1 of t and returns when all are done. The
// caller must hold the pool (lockPool).
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
	p.current = t
	p.jobs = int64(jobs)
	p.next.Store(0)
	helpers := min(p.workers, jobs) - 1
	p.done.Add(helpers)
	for w := 1; w <= helpers; w++ {
		p.wake[w] <- struct{}{}
	}
	p.drain(0)
	p.done.Wait()
	p.current = nil
}

// row returns worker w's scratch row of at least n floats. It allocates only
// when a longer row than ever before is asked for.
func (p *workerPool) row(w, n int) []float32 {
	if len(p.rows[w]) < n {
		p.rows[w] = make([]float32, n)
	}
	return p.rows[w][:n]
}

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
