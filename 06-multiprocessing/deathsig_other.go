//go:build unix && !linux

package main

import "syscall"

// setDeathSignal does nothing here: Pdeathsig is a Linux feature. On macOS a
// child outlives a parent killed with SIGKILL unless it watches for that
// itself (for example by reading a pipe from the parent until EOF).
func setDeathSignal(*syscall.SysProcAttr) {}

// hasDeathSignal says whether this system supports Pdeathsig.
const hasDeathSignal = false

// clearDeathSignal undoes setDeathSignal.
func clearDeathSignal(*syscall.SysProcAttr) {}
