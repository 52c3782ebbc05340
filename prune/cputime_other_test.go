//go:build !unix

package prune_test

import "time"

// cpuTime is not measured on this system.
func cpuTime() time.Duration { return 0 }

// pageFaults is not measured on this system.
func pageFaults() int64 { return 0 }
