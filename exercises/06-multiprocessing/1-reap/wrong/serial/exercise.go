//go:build coach

// Wrong: starts and waits for one command after another: every child is
// reaped, but they no longer run side by side.
package reap

import "os/exec"

// RunAll runs every command at the same time and waits for all of them. It
// returns nil if all ran and exited 0, or else the first error in the order
// of cmds.
func RunAll(cmds []*exec.Cmd) error {
	errs := make([]error, len(cmds))
	for i, cmd := range cmds {
		errs[i] = cmd.Start()
		if errs[i] == nil { // started: reap it, whatever the others did
			errs[i] = cmd.Wait()
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
