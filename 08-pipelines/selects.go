package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/gocourse/concurrency/internal/cputime"
)

// selectCounts runs rounds of a select whose two cases are both ready every
// time, and counts which one ran. The spec says a select with several ready
// cases picks one by a uniform pseudo-random choice, so neither case can
// starve the other, and the counts come out near half each.
func selectCounts(rounds int) (a, b int) {
	ca, cb := make(chan int, 1), make(chan int, 1)
	ca <- 1
	cb <- 2
	for range rounds {
		select {
		case v := <-ca:
			a++
			ca <- v // ready again for the next round
		case v := <-cb:
			b++
			cb <- v
		}
	}
	return a, b
}

// trySend sends v on ch if a receiver or a free buffer slot is ready right
// now, and reports whether it did. The default case is what makes it
// non-blocking: select takes it when no other case is ready.
func trySend(ch chan<- int, v int) bool {
	select {
	case ch <- v:
		return true
	default:
		return false
	}
}

// merge forwards every value from a and b to the channel it returns, and
// closes that channel once both inputs are closed. When one input closes,
// its variable is set to nil: a receive from a nil channel is never ready,
// so select stops choosing that case, and the loop does not spin on the
// closed channel's endless zero values.
func merge(a, b <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for a != nil || b != nil {
			select {
			case v, ok := <-a:
				if !ok {
					a = nil
					continue
				}
				out <- v
			case v, ok := <-b:
				if !ok {
					b = nil
					continue
				}
				out <- v
			}
		}
	}()
	return out
}

// emit sends vs on a new channel from a goroutine, then closes it.
func emit(vs ...int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, v := range vs {
			ch <- v
		}
	}()
	return ch
}

// serve is the for-select loop: a goroutine that handles requests until
// done is closed, then returns. Every blocking operation in the loop sits in
// a select with <-done, so it can always be told to stop.
func serve(done <-chan struct{}, requests <-chan int, replies chan<- int) {
	for {
		select {
		case <-done:
			return
		case r := <-requests:
			select {
			case replies <- r * r:
			case <-done:
				return
			}
		}
	}
}

// A loopCost is what one loop cost per iteration.
type loopCost struct {
	perIter time.Duration
	allocs  float64 // heap allocations per iteration
	bytes   float64 // heap bytes per iteration
}

// measure runs loop(n) and returns its cost per iteration. It is a rough
// measurement for the lesson; the benchmarks are the careful one.
func measure(n int, loop func(n int)) loopCost {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	loop(n)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return loopCost{
		perIter: took / time.Duration(n),
		allocs:  float64(after.Mallocs-before.Mallocs) / float64(n),
		bytes:   float64(after.TotalAlloc-before.TotalAlloc) / float64(n),
	}
}

// afterLoop waits n times for a value with a timeout made by time.After.
// Each call makes a new timer. Since Go 1.23 an unreferenced timer is
// garbage even before it fires, so this no longer leaks memory until the
// timeout passes; it still allocates a timer and a channel every time.
func afterLoop(n int) {
	ready := make(chan int, 1)
	for i := range n {
		ready <- i
		select {
		case <-ready:
		case <-time.After(time.Minute):
			panic("timed out")
		}
	}
}

// timerLoop does the same with one timer, Reset each time round. Since Go
// 1.23 Reset and Stop guarantee that no stale value from the old setting is
// received afterwards, so the old drain-before-Reset dance is not needed.
func timerLoop(n int) {
	ready := make(chan int, 1)
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for i := range n {
		ready <- i
		t.Reset(time.Minute)
		select {
		case <-ready:
		case <-t.C:
			panic("timed out")
		}
	}
}

// spinLoop is the trap: a select with a default case in a loop never
// blocks. While it waits for stop it burns a whole core, doing nothing.
func spinLoop(stop <-chan struct{}) (polls int) {
	for {
		select {
		case <-stop:
			return polls
		default:
			polls++ // nothing to do, so round again at once
		}
	}
}

// blockLoop waits for the same things without a default: the goroutine is
// parked until one of its cases is ready, and costs no CPU meanwhile.
func blockLoop(stop <-chan struct{}) (polls int) {
	work := make(chan int) // where a real loop's work would come from; none does here
	for {
		select {
		case <-stop:
			return polls
		case <-work:
			polls++
		}
	}
}

// cpuWhile runs loop in a goroutine until d has passed on the wall clock,
// and returns the process's CPU time spent meanwhile (user + system), and
// what loop returned. Nothing else in the lesson runs at that time, so the
// process's CPU time is the loop's.
func cpuWhile(ctx context.Context, d time.Duration, loop func(stop <-chan struct{}) int) (cpu time.Duration, polls int) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	before := cputime.Process()
	wg.Go(func() { polls = loop(stop) })
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
	close(stop)
	wg.Wait()
	return cputime.Process() - before, polls
}

func showSelect(ctx context.Context, w io.Writer) error {
	a, b := selectCounts(cfg.rounds)
	fmt.Fprintf(w, "two cases ready in each of %d rounds: a won %d (%.1f%%), b won %d (%.1f%%)\n",
		cfg.rounds, a, 100*float64(a)/float64(cfg.rounds), b, 100*float64(b)/float64(cfg.rounds))

	ch := make(chan int, 1)
	fmt.Fprintf(w, "default: trySend on an empty buffer of 1: %t; on the full one: %t\n", trySend(ch, 1), trySend(ch, 2))

	sum, n := 0, 0
	for v := range merge(emit(1, 2, 3), emit(10, 20, 30, 40, 50)) {
		sum += v
		n++
	}
	fmt.Fprintf(w, "nil channels: merged %d values from 2 inputs that closed at different times, sum %d, then out closed\n", n, sum)

	done := make(chan struct{})
	requests, replies := make(chan int), make(chan int)
	var wg sync.WaitGroup
	wg.Go(func() { serve(done, requests, replies) })
	got := 0
	for i := 1; i <= 3; i++ {
		requests <- i
		got += <-replies
	}
	close(done)
	wg.Wait()
	fmt.Fprintf(w, "for-select: served 3 requests (sum of squares %d), then returned when done was closed\n", got)

	n = max(cfg.items/10, 1000)
	after, timer := measure(n, afterLoop), measure(n, timerLoop)
	fmt.Fprintf(w, "timeouts, %d waits each: time.After %v/wait, %.0f allocs (%.0f B); one Timer, Reset: %v/wait, %.0f allocs (%.0f B)\n",
		n, after.perIter, after.allocs, after.bytes, timer.perIter, timer.allocs, timer.bytes)

	d := time.Duration(cfg.spin) * time.Millisecond
	spinCPU, polls := cpuWhile(ctx, d, spinLoop)
	blockCPU, _ := cpuWhile(ctx, d, blockLoop)
	fmt.Fprintf(w, "waiting %v: select with default spun %d times and burned %v of CPU; a blocking select burned %v\n",
		d, polls, spinCPU.Round(time.Millisecond), blockCPU.Round(time.Millisecond))
	return nil
}
