package main

import (
	"fmt"
	"runtime"
	"sync"
)

// Section 2: a goroutine per task, joined with a WaitGroup. No pool at all.
// In Go this is the first thing to try: a goroutine starts in well under a
// microsecond with a 2 KB stack that grows only if needed, so "threads are
// expensive, keep them ready" (the tutorial's reason for a pool) matters much
// less than in Python or Java. What it lacks is a bound: N tasks means N
// goroutines at once, all holding their stacks, all competing for whatever
// the tasks touch (CPU, sockets, a database).

// PerTask runs task(0) … task(n-1), each in its own goroutine, and returns
// when all have returned.
func PerTask(n int, task func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { task(i) })
	}
	wg.Wait()
}

// StackCost starts n goroutines that all stay blocked at once, and reports
// how much goroutine stack memory and how many goroutines were in use while
// they were all alive, then lets them go. This is the bill an unbounded
// goroutine-per-task design runs up when the tasks are slow (waiting on a
// network, say) and keep arriving.
func StackCost(n int) (stackBytes uint64, goroutines int) {
	var before, during runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	release := make(chan struct{})
	var started, finished sync.WaitGroup
	started.Add(n)
	for range n {
		finished.Go(func() {
			started.Done()
			<-release
		})
	}
	started.Wait()
	runtime.ReadMemStats(&during)
	goroutines = runtime.NumGoroutine()
	close(release)
	finished.Wait()
	if during.StackInuse > before.StackInuse {
		stackBytes = during.StackInuse - before.StackInuse
	}
	return stackBytes, goroutines
}

func formatBytes(b uint64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}
