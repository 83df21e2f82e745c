package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/gocourse/concurrency/internal/timeline"
)

// Section 4: prevent a deadlock by breaking one of the four Coffman
// conditions, and the livelock that politeness without jitter becomes.

func showPrevention(w io.Writer, c config) {
	// Circular wait: one global order.
	accounts := []*Account{NewAccount(1, 100), NewAccount(2, 100)}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range c.rounds {
				_ = TransferOrdered(accounts[g%2], accounts[(g+1)%2], int64(k%3))
			}
		})
	}
	wg.Wait()
	fmt.Fprintf(w, "lock order by ID (circular wait): 4 goroutines x %d transfers, half 1->2, half 2->1: done, total %d\n",
		c.rounds, Total(accounts))

	// Hold and wait: TryLock, let go, back off with jitter.
	accounts = []*Account{NewAccount(1, 100), NewAccount(2, 100)}
	var retries [4]int
	for g := range 4 {
		wg.Go(func() {
			p := Politeness{Backoff: time.Microsecond, Jitter: UniformJitter(uint64(g), 20*time.Microsecond), MaxAttempts: 1_000_000}
			for k := range c.rounds {
				n, _ := TransferPolite(accounts[g%2], accounts[(g+1)%2], int64(k%3), p)
				retries[g] += n - 1
			}
		})
	}
	wg.Wait()
	fmt.Fprintf(w, "TryLock, back off with jitter (hold and wait): 4 goroutines x %d transfers: done, total %d, %d retries\n",
		c.rounds, Total(accounts), retries[0]+retries[1]+retries[2]+retries[3])

	// The price of politeness: no jitter, a livelock.
	lockstep := Politeness{Hold: time.Millisecond, Backoff: time.Millisecond, MaxAttempts: 20}
	for _, jitter := range []bool{false, true} {
		var j [2]func() time.Duration
		label := "no jitter  "
		if jitter {
			j = [2]func() time.Duration{UniformJitter(1, 4*time.Millisecond), UniformJitter(2, 4*time.Millisecond)}
			label = "with jitter"
		}
		r := Livelock(NewAccount(1, 100), NewAccount(2, 100), lockstep, j)
		fmt.Fprintf(w, "polite pair, %s: 1->2 %s, 2->1 %s\n", label, outcome(r, 0), outcome(r, 1))
	}

	// No preemption: a wait that can give up.
	for _, kind := range []struct {
		name string
		lock func() CtxLocker
	}{{"channel lock", func() CtxLocker { return NewChanMutex() }}, {"x/sync/semaphore", func() CtxLocker { return NewSemMutex() }}} {
		a, b := NewVault(1, 100, kind.lock()), NewVault(2, 100, kind.lock())
		errs, _ := abbaWithTimeouts(a, b, 50*time.Millisecond, time.Second)
		fmt.Fprintf(w, "ABBA with timeouts, %s: 1->2 (50ms): %s; 2->1 (1s): %s\n", kind.name, errOrDone(errs[0]), errOrDone(errs[1]))
	}

	// Dining philosophers: both cures, and who ate when.
	for _, s := range []Strategy{Hierarchy, Waiter} {
		var rec timeline.Recorder
		t := Table{N: c.philosophers, Meals: c.meals, Eat: 10 * time.Millisecond, Think: time.Millisecond, Strategy: s}
		meals := Dine(t, &rec)
		fmt.Fprintf(w, "dining philosophers, %s: meals eaten %v\n", s, meals)
		lanes := make([]string, c.philosophers)
		for i := range lanes {
			lanes[i] = Lane(i)
		}
		_ = timeline.Render(w, rec.Spans(), timeline.Options{Width: c.width, Lanes: lanes})
	}
}

func outcome(r LivelockResult, i int) string {
	if r.Errs[i] != nil {
		return fmt.Sprintf("gave up after %d attempts", r.Attempts[i])
	}
	return fmt.Sprintf("done in %d attempts", r.Attempts[i])
}

func errOrDone(err error) string {
	if err != nil {
		return err.Error()
	}
	return "done"
}
