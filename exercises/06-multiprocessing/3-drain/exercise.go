//go:build coach

// Exercise 06.3: read everything, then Wait.
//
// Output runs a command and returns what it wrote to stdout. It calls Wait
// first and reads the pipe afterwards. A pipe holds a fixed amount (64 KiB
// on Linux): a child that writes more blocks until someone reads, and this
// parent will not read until the child has exited. Both wait forever, in the
// kernel, where Go's deadlock detector cannot see them. With a small output
// everything fits in the pipe and the wrong order goes unnoticed, which is
// what makes it dangerous.
//
// TODO: make Output work whatever the size of the output.
package drain

import (
	"io"
	"os"
	"os/exec"
)

// Output runs cmd, which must not have a Stdout yet, and returns everything
// it wrote to stdout and Wait's error.
func Output(cmd *exec.Cmd) ([]byte, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cmd.Stdout = w
	err = cmd.Start()
	w.Close() // the child has its own copy now (exercise 06.2)
	if err != nil {
		return nil, err
	}
	werr := cmd.Wait()
	out, err := io.ReadAll(r)
	if werr != nil {
		return out, werr
	}
	return out, err
}
