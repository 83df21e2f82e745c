//go:build coach

// Exercise 06.1: reap every child you start.
//
// A child process that has exited is not gone yet: it stays a zombie,
// holding its PID and its exit status, until its parent collects them with
// Wait. exec.Cmd.Start must always be paired with a Wait, on the error path
// too.
//
// RunAll starts all its commands, so they run side by side, then waits for
// them. But it returns at the first command that fails, and every command
// after that one is never waited for: a zombie for as long as the parent
// lives. A command that cannot start does the same to the ones started
// before it.
//
// TODO: make RunAll wait for every command it started, whatever fails, and
// return the first error in the order of cmds (a command that could not
// start counts, with Start's error).
package reap

import "os/exec"

// RunAll runs every command at the same time and waits for all of them. It
// returns nil if all ran and exited 0, or else the first error in the order
// of cmds.
func RunAll(cmds []*exec.Cmd) error {
	for _, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			return err
		}
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			return err
		}
	}
	return nil
}
