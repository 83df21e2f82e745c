package main

import "syscall"

// setDeathSignal asks the kernel to SIGKILL the child when the thread that
// started it dies, so a parent killed with SIGKILL takes its children along.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }

// hasDeathSignal says whether this system supports Pdeathsig.
const hasDeathSignal = true

// clearDeathSignal undoes setDeathSignal.
func clearDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = 0 }
