package tokenizer

import "syscall"

// cpuSeconds is the CPU time this process has used (user and system, all
// threads), or -1 if unknown. On a shared machine a rate per CPU-second
// varies much less than one per wall-clock second.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
