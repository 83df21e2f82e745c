//go:build coach

// Wrong: reads in a goroutine and returns after Wait without waiting for the
// reader, so the output it returns may still be being written.
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
	var out []byte
	go func() { out, _ = io.ReadAll(r) }()
	werr := cmd.Wait()
	if werr != nil {
		return out, werr
	}
	return out, err
}
