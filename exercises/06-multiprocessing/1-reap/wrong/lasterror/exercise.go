//go:build coach

// Wrong: waits for every child, but returns the last error instead of the
// first in the order of cmds.
package reap

import (
	"os/exec"
	"slices"
)

// RunAll runs every command at the same time and waits for all of them. It
// returns nil if all ran and exited 0, or else the first error in the order
// of cmds.
func RunAll(cmds []*exec.Cmd) error {
	errs := make([]error, len(cmds))
	for i, cmd := range cmds {
		errs[i] = cmd.Start()
	}
	for i, cmd := range cmds {
		if errs[i] == nil { // started: reap it, whatever the others did
			errs[i] = cmd.Wait()
		}
	}
	for _, err := range slices.Backward(errs) {
		if err != nil {
			return err
		}
	}
	return nil
}
