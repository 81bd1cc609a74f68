//go:build !linux

package kernels

// cpuClock is unavailable off Linux; benchmarks then report wall-clock
// rates only.
type cpuClock float64

func cpuNow() cpuClock            { return -1 }
func (c cpuClock) since() float64 { return 0 }
