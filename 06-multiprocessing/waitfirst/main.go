// Command waitfirst is broken on purpose: it hangs forever.
//
// The parent gives a child a pipe for its stdout, then calls Wait before
// reading. The child writes 1 MiB; the pipe holds 64 KiB (on Linux), so the
// child blocks in write, waiting for a reader, while the parent blocks in
// Wait, waiting for the child to exit. Both wait in the kernel, so Go's
// deadlock detector sees nothing wrong: no "all goroutines are asleep", just
// silence. Stop it with Ctrl-C. The fix: read everything, then Wait (or let
// exec do the copying by giving it a bytes.Buffer instead of an *os.File).
package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
)

func main() {
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "waitfirst:", err)
		os.Exit(1)
	}
	cmd := exec.Command("sh", "-c", "head -c 1048576 /dev/zero")
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "waitfirst:", err)
		os.Exit(1)
	}
	w.Close()
	fmt.Println("child started; parent calls Wait before reading its 1 MiB of output...")
	err = cmd.Wait() // never returns: the child is stuck writing
	n, _ := io.Copy(io.Discard, r)
	fmt.Println("never printed:", err, n)
}
