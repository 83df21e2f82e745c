//go:build unix

// Package cputime reads how much CPU time this process has used. Divided by
// the wall time of a run, it says how many cores were busy; compared across
// two runs, it measures the work done, which waiting for a core on a loaded
// machine does not inflate.
package cputime

import (
	"syscall"
	"time"
)

// Process is the CPU time, user and system, all threads, that this process
// has used so far (getrusage), or 0 if it cannot be read.
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
