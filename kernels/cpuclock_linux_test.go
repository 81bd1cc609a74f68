package kernels

import "syscall"

// cpuClock is the process's CPU time (user and system, all threads) when
// the benchmark started.
type cpuClock float64

func cpuNow() cpuClock {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1
	}
	return cpuClock(float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9)
}

// since is the CPU seconds used since c, or 0 if unknown.
func (c cpuClock) since() float64 {
	if c < 0 {
		return 0
	}
	return float64(cpuNow() - c)
}
