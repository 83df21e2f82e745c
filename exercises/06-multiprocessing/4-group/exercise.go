//go:build coach

// Exercise 06.4: a cancel must kill the grandchildren too.
//
// exec.CommandContext kills the child when ctx ends, and only the child.
// Anything the child started lives on as an orphan: a `sleep` started by a
// shell script, the workers of a server, a compiler started by make. The
// child and everything it starts can be put in a process group of their
// own, and a signal sent to the group reaches all of them at once.
//
// TODO: make Command start the child in a process group of its own, and
// kill the whole group, not only the child, when ctx ends.
package group

import (
	"context"
	"os/exec"
)

// Command is exec.CommandContext, except that when ctx ends, the child is
// killed together with every process it started that has not left its
// process group.
func Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	// TODO
	return cmd
}
