package main

import (
	"errors"

	"golang.org/x/sys/unix"
)

// adoptOrphans switches this process's "child subreaper" attribute on or off
// (prctl PR_SET_CHILD_SUBREAPER). While it is on, a grandchild whose parent
// dies is re-parented to us instead of to PID 1, so we can reap it. PID 1
// normally reaps orphans at once, but not every container's PID 1 does, and
// an unreaped orphan stays a zombie.
func adoptOrphans(on bool) error {
	v := uintptr(0)
	if on {
		v = 1
	}
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, v, 0, 0, 0)
}

// reapOrphan waits for pid, an adopted grandchild that is dead or about to
// die, and collects its exit status. A pid that is not our child is ignored.
func reapOrphan(pid int) {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if !errors.Is(err, unix.EINTR) {
			return
		}
	}
}
