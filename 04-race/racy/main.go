// Command racy increments one plain int from many goroutines at once: a data
// race, on purpose. Run it both ways and compare:
//
//	go run ./04-race/racy         # the count comes out short: updates are lost
//	go run -race ./04-race/racy   # the race detector names the two lines and exits 66
//
// count++ looks like one step but is three: load count, add one, store it
// back. Two goroutines that load the same value both store value+1, and one
// of the increments is gone. Nothing orders the goroutines' accesses (no lock,
// no channel, no atomic), so the Go memory model calls this a data race and
// promises nothing about the result.
package main

import (
	"fmt"
	"os"
	"sync"

	"github.com/gocourse/concurrency/internal/lesson"
)

func main() {
	// go run ./04-race/racy -h lists the flags; a bad value is one line, exit 2.
	var goroutines, per int
	f := lesson.NewFlags("04-race/racy", "count++ from many goroutines, with nothing to order them: a data race on purpose.")
	f.Int(&goroutines, "goroutines", 8, 1, 10_000, "how many goroutines increment the counter")
	f.Int(&per, "n", 1_000_000, 1, 100_000_000, "increments per goroutine")
	f.MustParse(os.Args[1:])

	count := 0 // shared by every goroutine below, guarded by nothing
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start // wait for the others, so they really overlap
			for range per {
				count++ // the race: read, add, write, while others do the same
			}
		}()
	}
	close(start)
	wg.Wait()

	want := goroutines * per
	fmt.Printf("counter = %d, want %d (%d updates lost)\n", count, want, want-count)
}
