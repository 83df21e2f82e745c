//go:build coach

// Exercise 06.1, solved: every command that started is waited for before
// RunAll returns, so none is left a zombie. Errors are kept per command and
// the first is picked at the end, so an early failure no longer cuts the
// waiting short.
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
