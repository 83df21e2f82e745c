//go:build coach

// Wrong: reaps each child in a goroutine of its own and returns without
// waiting for those goroutines, so RunAll returns before the children are
// reaped.
package reap

import "os/exec"

// RunAll runs every command at the same time and waits for all of them. It
// returns nil if all ran and exited 0, or else the first error in the order
// of cmds.
func RunAll(cmds []*exec.Cmd) error {
	errs := make([]error, len(cmds))
	for i, cmd := range cmds {
		errs[i] = cmd.Start()
	}
	for i, cmd := range cmds {
		if errs[i] == nil {
			go func() { _ = cmd.Wait() }()
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
