//go:build coach

// Wrong: signals the group whose ID is the child's PID, but never makes that
// group (no Setpgid): there is no such group, and nothing is killed.
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
	// Cancel runs only after a successful Start, so cmd.Process is set.
	cmd.Cancel = func() error {
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone // the whole group is gone already
		}
		return err
	}
	return cmd
}
