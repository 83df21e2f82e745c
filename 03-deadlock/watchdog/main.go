// Command watchdog deadlocks part of itself on purpose and catches it with a
// watchdog, because the Go runtime cannot.
//
// Two workers move money between accounts 1 and 2 in opposite lock order
// (ABBA) and soon get stuck. A third worker keeps serving accounts 3 and 4,
// so the program as a whole is alive: the runtime's "all goroutines are
// asleep" check never fires, and without the watchdog the program hangs
// forever (try -stall=0).
//
// Each worker counts the transfers it finished. The watchdog looks at the
// counts every tick; when a worker has made no progress for -stall, it waits
// one more -stall (the ticks may notice a cycle's members one at a time),
// then names the stuck workers, prints every goroutine's stack (runtime/pprof's
// goroutine profile, the same text as a crash) so a person can read who waits
// for what, and exits with status 3.
//
// A watchdog cannot tell stuck from slow: with -audit=1s -stall=100ms every
// transfer holds its first lock for a second, and the watchdog blames all
// three workers before any deadlock has even formed.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

type account struct {
	id      int
	mu      sync.Mutex
	balance int
}

type worker struct {
	name     string
	from, to *account
	done     atomic.Int64           // transfers finished: the progress the watchdog watches
	state    atomic.Pointer[string] // what the worker holds and wants, for the report
	audit    time.Duration          // how long each transfer holds its first lock alone
}

func (w *worker) run() {
	for {
		w.transfer(1)
		w.done.Add(1)
	}
}

// transfer locks from, then to. The audit pause while holding the first
// lock lets the opposite-order transfer grab its own first lock meanwhile.
func (w *worker) transfer(amount int) {
	w.from.mu.Lock()
	defer w.from.mu.Unlock()
	w.setState(fmt.Sprintf("holds account %d, writing the audit log", w.from.id))
	time.Sleep(w.audit) // "write the audit log" while holding from
	w.setState(fmt.Sprintf("holds account %d, waits for account %d", w.from.id, w.to.id))
	w.to.mu.Lock()
	defer w.to.mu.Unlock()
	w.setState("")
	w.from.balance -= amount
	w.to.balance += amount
}

func (w *worker) setState(s string) { w.state.Store(&s) }

func (w *worker) describe() string {
	if s := w.state.Load(); s != nil && *s != "" {
		return *s
	}
	return "no lock state recorded"
}

func main() {
	var stall, audit time.Duration
	f := lesson.NewFlags("03-deadlock/watchdog", "Deadlocks two of its three workers on purpose; a watchdog notices, where the runtime cannot.")
	f.Duration(&stall, "stall", 500*time.Millisecond, 0, time.Minute, "report workers with no progress for this long; 0 turns the watchdog off")
	f.Duration(&audit, "audit", time.Millisecond, 0, 10*time.Second, "how long each transfer holds its first account before taking the second")
	f.MustParse(os.Args[1:])

	acc := []*account{{id: 1}, {id: 2}, {id: 3}, {id: 4}}
	workers := []*worker{
		{name: "transfer 1->2", from: acc[0], to: acc[1]},
		{name: "transfer 2->1", from: acc[1], to: acc[0]},
		{name: "transfer 3->4", from: acc[2], to: acc[3]}, // nobody competes: always progresses
	}
	for _, w := range workers {
		w.audit = audit
		go w.run()
	}
	if stall == 0 {
		select {} // no watchdog: main just waits, like a server would
	}
	watch(workers, stall)
}

// watch returns only by exiting the program: with status 3 and a goroutine
// dump when some worker stalls.
func watch(workers []*worker, stall time.Duration) {
	last := make([]int64, len(workers))
	since := make([]time.Time, len(workers))
	for i := range since {
		since[i] = time.Now()
	}
	tick := time.NewTicker(stall / 5)
	defer tick.Stop()
	var firstSeen time.Time // when the current stall was first noticed
	for now := range tick.C {
		var stuck []*worker
		for i, w := range workers {
			if n := w.done.Load(); n != last[i] {
				last[i], since[i] = n, now
			} else if now.Sub(since[i]) >= stall {
				stuck = append(stuck, w)
			}
		}
		if len(stuck) == 0 {
			firstSeen = time.Time{}
			continue
		}
		// The members of a cycle stop within moments of each other, but
		// the ticks can notice them one at a time (one may have made its
		// last transfer just after the other started). Wait one more stall
		// period, so that every member has been still for a whole stall
		// before the report names them.
		if firstSeen.IsZero() {
			firstSeen = now
		}
		if now.Sub(firstSeen) < stall {
			continue
		}
		fmt.Printf("watchdog: no progress for %v from %d of %d workers:\n", stall, len(stuck), len(workers))
		for _, w := range stuck {
			fmt.Printf("watchdog:   %s: %s (after %d transfers)\n", w.name, w.describe(), w.done.Load())
		}
		fmt.Println("watchdog: goroutine stacks follow on stderr")
		pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
		os.Exit(3)
	}
}
