//go:build coach

package group

import (
	"errors"

	"golang.org/x/sys/unix"
)

// adoptOrphans makes this process a child subreaper: an orphaned
// grandchild is re-parented to it instead of to PID 1, which in some
// containers never reaps, so the test can reap it and leave no zombie.
func adoptOrphans() error { return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) }

// reap collects the exit status of pid, an adopted grandchild that is dead
// or has been sent SIGKILL. A pid that is not our child is ignored.
func reap(pid int) {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if !errors.Is(err, unix.EINTR) {
			return
		}
	}
}
