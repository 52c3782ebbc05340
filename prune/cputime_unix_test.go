//go:build unix

package prune_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, user and system; the
// benchmarks report it per plan, which a busy machine disturbs less than
// wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
