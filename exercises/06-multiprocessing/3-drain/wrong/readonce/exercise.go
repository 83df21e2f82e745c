//go:build coach

// Wrong: reads once, as much as one Read returns, then waits: a child that
// writes more than that blocks for ever, and the rest of its output is lost.
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
	buf := make([]byte, 64<<10)
	n, err := r.Read(buf)
	if err == io.EOF {
		err = nil
	}
	out := buf[:n]
	werr := cmd.Wait()
	if werr != nil {
		return out, werr
	}
	return out, err
}
