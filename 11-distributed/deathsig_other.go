//go:build !linux

package main

import "syscall"

// setDeathSignal does nothing where the kernel has no Pdeathsig: a worker
// whose parent was killed notices when the server closes its connection.
func setDeathSignal(*syscall.SysProcAttr) {}
