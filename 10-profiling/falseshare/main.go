// Command falseshare shows false sharing: two goroutines, each adding to its
// own counter, and nothing shared between them as far as the program can
// tell. But the two counters sit on one 64-byte cache line, and a core must
// own a whole line to write to it, so the line bounces between the two cores
// on every add. Padding each counter to a line of its own fixes it.
//
//	go run ./10-profiling/falseshare
//
// A CPU profile cannot say "false sharing"; it shows all the time on the one
// line that adds (go tool pprof -list), an add that ought to take a
// nanosecond. What finds it is the layout: the offsets printed below.
package main

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/gocourse/concurrency/internal/lesson"
	"golang.org/x/sys/cpu"
)

// adjacent is the bug: a and b are 8 bytes apart.
type adjacent struct {
	a, b atomic.Int64
}

// padded puts a cache line of padding between them.
type padded struct {
	a atomic.Int64
	_ cpu.CacheLinePad
	b atomic.Int64
}

const line = 64

// sameLine reports whether two addresses fall on one cache line.
func sameLine(p, q unsafe.Pointer) bool { return uintptr(p)/line == uintptr(q)/line }

// race adds n to each of two counters from two goroutines at once.
func race(n int, a, b *atomic.Int64) time.Duration {
	var wg sync.WaitGroup
	start := time.Now()
	for _, c := range []*atomic.Int64{a, b} {
		wg.Go(func() {
			for range n {
				c.Add(1)
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

func main() {
	var n int
	f := lesson.NewFlags("10-profiling/falseshare", "two counters on one cache line, then padded apart")
	f.Int(&n, "adds", 20_000_000, 1, 1_000_000_000, "adds per goroutine")
	f.MustParse(os.Args[1:])

	var adj adjacent
	var pad padded
	tAdj := race(n, &adj.a, &adj.b)
	tPad := race(n, &pad.a, &pad.b)
	fmt.Printf("adjacent: b is %d bytes after a; same cache line: %t; sums %d %d; took %s\n",
		unsafe.Offsetof(adj.b)-unsafe.Offsetof(adj.a), sameLine(unsafe.Pointer(&adj.a), unsafe.Pointer(&adj.b)),
		adj.a.Load(), adj.b.Load(), tAdj.Round(time.Millisecond))
	fmt.Printf("padded:   b is %d bytes after a; same cache line: %t; sums %d %d; took %s\n",
		unsafe.Offsetof(pad.b)-unsafe.Offsetof(pad.a), sameLine(unsafe.Pointer(&pad.a), unsafe.Pointer(&pad.b)),
		pad.a.Load(), pad.b.Load(), tPad.Round(time.Millisecond))
	fmt.Printf("padded took %.2fx the time of adjacent (measured once; the benchmark measures it properly)\n", tPad.Seconds()/tAdj.Seconds())
}
