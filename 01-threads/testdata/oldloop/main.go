//go:build go1.21

// Command oldloop is the loop-variable bug that Go 1.22 fixed, kept alive by
// the go1.21 build constraint above: a file that declares an older Go version
// is compiled with that version's rules. Every goroutine captures the one
// shared i, and by the time they read it the loop has left it at 3.
//
// go vet reports it: "loop variable i captured by func literal".
// It lives under testdata so that `go vet ./...` over the course stays clean;
// run it with `go run ./01-threads/testdata/oldloop`.
package main

import (
	"fmt"
	"slices"
	"sync"
)

func main() {
	start := make(chan struct{})
	got := make(chan int, 3)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got <- i // the one i shared by every iteration
		}()
	}
	close(start)
	wg.Wait()
	close(got)
	var out []int
	for v := range got {
		out = append(out, v)
	}
	slices.Sort(out)
	fmt.Printf("loop variable seen by 3 goroutines (Go 1.21 rules): %v\n", out)
}
