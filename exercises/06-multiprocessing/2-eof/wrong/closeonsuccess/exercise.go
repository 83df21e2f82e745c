//go:build coach

// Wrong: closes the write end only when every command started: when one
// cannot start, the parent keeps its copy and waits for an EOF for ever.
package eof

import (
	"bufio"
	"context"
	"os"
	"os/exec"
)

// Gather starts cmds with their stdout on one shared pipe, reads every line
// they write, in the order it arrives, until the pipe ends, then waits for
// them. If ctx ends first, it stops reading and returns the lines so far
// and an error.
func Gather(ctx context.Context, cmds []*exec.Cmd) ([]string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// Closing r makes a Read blocked on it return, so a cancel ends the
	// reading below.
	stop := context.AfterFunc(ctx, func() { r.Close() })
	defer stop()

	var started []*exec.Cmd
	for _, cmd := range cmds {
		cmd.Stdout = w // each child gets its own copy of the write end
		if err = cmd.Start(); err != nil {
			break
		}
		started = append(started, cmd)
	}
	// The children have their copies now (or will never need one): drop
	// ours, or the pipe can never end.
	if err == nil {
		w.Close()
	}

	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err == nil {
		err = sc.Err()
	}
	// Read everything, then Wait: the order exercise 06.3 is about.
	for _, cmd := range started {
		if werr := cmd.Wait(); err == nil {
			err = werr
		}
	}
	return lines, err
}
