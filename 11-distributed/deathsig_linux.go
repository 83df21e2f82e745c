package main

import "syscall"

// setDeathSignal asks the kernel to SIGKILL the child when its parent dies,
// so a lesson killed with SIGKILL takes its workers along.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
