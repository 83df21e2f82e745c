//go:build coach

// Exercise 06.3, solved: the parent reads until EOF, which comes when the
// child has written everything and exited (its copy of the write end closes
// with it), and only then calls Wait, which now returns at once. However
// much the child writes, someone is always making room in the pipe.
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
	out, err := io.ReadAll(r)
	if werr := cmd.Wait(); werr != nil {
		return out, werr
	}
	return out, err
}
