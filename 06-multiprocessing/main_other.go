//go:build !unix

// Command 06-multiprocessing needs Unix: its children share memory through
// mmap and file descriptors passed at exec time.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Fprintf(os.Stderr, "06-multiprocessing: this lesson needs Unix (Linux or macOS); this is %s\n", runtime.GOOS)
	os.Exit(1)
}
