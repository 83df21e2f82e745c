// Command mapwrites writes to one map from several goroutines: the runtime
// notices and stops the whole program with
//
//	fatal error: concurrent map writes
//
// This is not the race detector: the check is built into every map, with or
// without -race. A map write sets a "writing" flag in the map's header and
// clears it when done; a second writer that finds the flag set cannot trust
// the map any more, so the runtime gives up. It is a fatal error, not a
// panic: recover cannot catch it, and the exit status is 2.
//
// The check is best effort (two writes that happen not to overlap pass
// unnoticed), so each goroutine writes many keys to make the overlap certain
// in practice. If it ever finishes, the program says so.
package main

import (
	"fmt"
	"sync"
)

func main() {
	m := map[int]int{}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1_000_000 {
				m[i] = g // four writers, one map, no lock
			}
		}()
	}
	wg.Wait()
	fmt.Println("no crash this time: the writes happened not to overlap; len(m) =", len(m))
}
