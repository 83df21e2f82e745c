// Command waitgroup deadlocks on purpose: it waits for three workers but
// starts only two.
//
// The classic way to get here is counting work before starting it (Add(3))
// and then skipping one start, here by an off-by-one loop. Wait blocks until
// the counter reaches zero, which it never does:
//
//	fatal error: all goroutines are asleep - deadlock!
//	goroutine 1 [sync.WaitGroup.Wait]:
//
// WaitGroup.Go (Go 1.25) adds and starts in one call, so the count cannot
// drift from the goroutines actually started.
package main

import (
	"fmt"
	"sync"
)

func main() {
	const workers = 3
	var wg sync.WaitGroup
	wg.Add(workers)
	for i := 1; i < workers; i++ { // bug: starts workers 1 and 2, not 3
		go func() {
			defer wg.Done()
			fmt.Printf("worker %d done\n", i)
		}()
	}
	wg.Wait()
	fmt.Println("all workers done") // never printed
}
