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

// pageFaults is how many minor page faults the process has taken: each
// is a page of fresh memory the kernel handed over, which on a virtual
// machine costs microseconds.
func pageFaults() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Minflt
}
