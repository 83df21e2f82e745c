//go:build coach

// Wrong: gives the child a process group of its own, but the cancel still
// kills only the child, so the grandchild lives on.
package group

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// Command is exec.CommandContext, except that when ctx ends, the child is
// killed together with every process it started that has not left its
// process group.
func Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	// The group's ID is the child's PID.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Cancel runs only after a successful Start, so cmd.Process is set.
	cmd.Cancel = func() error {
		err := syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone // the whole group is gone already
		}
		return err
	}
	return cmd
}
