package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"time"
)

// showTimers shows the timer rules of Go 1.23 and later, a ticker that drops
// ticks, and what time.After costs in a loop.
func showTimers(ctx context.Context, w io.Writer) error {
	// Since Go 1.23 a timer's channel is unbuffered (cap 0): the value is
	// made when someone receives, so a timer that fired unobserved holds no
	// stale value, Stop reports true, and Reset starts a clean wait.
	t := time.NewTimer(10 * time.Millisecond)
	time.Sleep(30 * time.Millisecond) // it fires; nobody receives
	fmt.Fprintf(w, "a 10ms timer, 30ms later, never received from: cap(C) = %d, Stop() = %v\n", cap(t.C), t.Stop())
	start := time.Now()
	t.Reset(50 * time.Millisecond)
	<-t.C
	waited := time.Since(start)
	verdict := "no stale value from the first firing"
	if waited < 25*time.Millisecond {
		verdict = "a stale value from the first firing, as before Go 1.23"
	}
	fmt.Fprintf(w, "  Reset(50ms), then <-C waited %v: %s\n", waited.Round(10*time.Millisecond), verdict)

	n := 10_000
	fmt.Fprintf(w, "%d timers of one hour, never stopped, dropped: %d collected by the GC\n", n, unstoppedCollected(n))

	got, due := slowConsumer(ctx, 10*time.Millisecond, 25*time.Millisecond, 250*time.Millisecond)
	fmt.Fprintf(w, "a 10ms ticker read by a consumer that takes 25ms per tick, for 250ms: %d ticks received, %d due\n", got, due)
	fmt.Fprintln(w, "  a ticker keeps at most one tick waiting: the others are dropped, never queued")

	after, reused := timerAllocs(10_000)
	fmt.Fprintf(w, "select with time.After in a loop: %.0f allocations a pass; one timer reused with Reset: %.0f\n", after, reused)
	return ctx.Err()
}

// unstoppedCollected makes n timers, drops them without Stop, and counts how
// many the garbage collector frees. Before Go 1.23 a started timer stayed
// reachable from the runtime's timer heap until it fired: an hour here.
func unstoppedCollected(n int) int64 {
	var freed atomic.Int64
	for range n {
		t := time.NewTimer(time.Hour)
		runtime.AddCleanup(t, func(*atomic.Int64) { freed.Add(1) }, &freed)
	}
	for range 100 {
		runtime.GC()
		if freed.Load() == int64(n) {
			break
		}
		time.Sleep(time.Millisecond) // let the cleanup goroutine catch up
	}
	return freed.Load()
}

// slowConsumer reads a ticker of period every for window, spending work on
// each tick, and returns the ticks it received and the ticks that fell due.
func slowConsumer(ctx context.Context, every, work, window time.Duration) (got, due int) {
	tk := time.NewTicker(every)
	defer tk.Stop()
	end := time.NewTimer(window)
	defer end.Stop()
	start := time.Now()
	for {
		select {
		case <-tk.C:
			got++
			time.Sleep(work)
		case <-end.C:
			return got, int(time.Since(start) / every)
		case <-ctx.Done():
			return got, int(time.Since(start) / every)
		}
	}
}

// timerAllocs measures heap allocations per pass of a select loop that
// waits on a channel or a timeout: time.After makes a new timer each pass,
// a reused timer makes none.
func timerAllocs(passes int) (after, reused float64) {
	ready := make(chan struct{}, 1)
	allocs := func(f func()) float64 {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		f()
		runtime.ReadMemStats(&m1)
		return float64(m1.Mallocs-m0.Mallocs) / float64(passes)
	}
	after = allocs(func() {
		for range passes {
			ready <- struct{}{}
			select {
			case <-ready:
			case <-time.After(time.Minute):
			}
		}
	})
	reused = allocs(func() {
		t := time.NewTimer(time.Minute)
		defer t.Stop()
		for range passes {
			ready <- struct{}{}
			t.Reset(time.Minute)
			select {
			case <-ready:
			case <-t.C:
			}
		}
	})
	return after, reused
}
