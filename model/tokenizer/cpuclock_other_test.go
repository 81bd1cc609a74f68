//go:build !linux

package tokenizer

// cpuSeconds is unknown off Linux; the benchmarks then report wall-clock
// rates only.
func cpuSeconds() float64 { return -1 }
