// Command leak is broken on purpose: its workers take a context and never
// look at it. Cancelling the context stops nothing, and the goroutines are
// still there when the caller has moved on.
//
//	go run ./09-context/leak
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

// work is the bug: it is handed ctx and ignores it, blocked on a channel
// that nobody will ever send on. The fix is one select with <-ctx.Done().
func work(ctx context.Context, jobs <-chan int) {
	for j := range jobs {
		_ = j
	}
}

func main() {
	var n int
	f := lesson.NewFlags("09-context/leak", "workers that ignore their context, and leak")
	f.Int(&n, "workers", 100, 1, 100_000, "goroutines to start")
	f.MustParse(os.Args[1:])

	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	jobs := make(chan int) // never closed, never sent on
	for range n {
		go work(ctx, jobs)
	}
	cancel()
	// Give them every chance: a worker that listened would be gone long
	// before this.
	time.Sleep(100 * time.Millisecond)
	leaked := runtime.NumGoroutine() - before
	fmt.Printf("started %d workers, cancelled their context, waited 100ms: %d still running\n", n, leaked)
	if leaked > 0 {
		fmt.Println("leak: cancel() stops only goroutines that look at ctx.Done()")
		os.Exit(1)
	}
}
