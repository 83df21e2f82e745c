// Command leakprofile leaves goroutines blocked forever on purpose and asks
// Go 1.26's experimental goroutine leak profile which of them it can find.
//
// Build it with the experiment switched on:
//
//	GOEXPERIMENT=goroutineleakprofile go run ./03-deadlock/leakprofile
//
// The profile is computed by the garbage collector: a goroutine blocked on a
// channel, mutex, WaitGroup or Cond is reported as leaked when nothing that
// can still run can reach that channel or lock, so nobody could ever wake it.
// A goroutine blocked on something still reachable (from a global, or from a
// goroutine that is alive) is not reported, even if in fact nobody will ever
// wake it: reachability is a proof of "maybe", not of "will".
//
// Without the experiment the profile does not exist; the program says so and
// exits with status 1.
package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"
)

type account struct {
	id      int
	mu      sync.Mutex
	balance int64
}

// abba deadlocks two transfers on two accounts that only they can reach.
func abba(blocked *sync.WaitGroup) {
	a, b := &account{id: 1}, &account{id: 2}
	var bothHoldOne sync.WaitGroup
	bothHoldOne.Add(2)
	lockBoth := func(first, second *account) {
		first.mu.Lock()
		bothHoldOne.Done()
		bothHoldOne.Wait()
		blocked.Done()
		second.mu.Lock()
		second.balance++ // never reached
	}
	go lockBoth(a, b)
	go lockBoth(b, a)
}

// abbaStillReachable is the same deadlock, but the caller keeps the
// accounts, so the collector cannot prove that nobody will unlock them.
func abbaStillReachable(blocked *sync.WaitGroup) (keep []*account) {
	a, b := &account{id: 3}, &account{id: 4}
	var bothHoldOne sync.WaitGroup
	bothHoldOne.Add(2)
	lockBoth := func(first, second *account) {
		first.mu.Lock()
		bothHoldOne.Done()
		bothHoldOne.Wait()
		blocked.Done()
		second.mu.Lock()
		second.balance++ // never reached
	}
	go lockBoth(a, b)
	go lockBoth(b, a)
	return []*account{a, b}
}

// sendNoReceiver sends on a channel that only the sender can see.
func sendNoReceiver(blocked *sync.WaitGroup) {
	ch := make(chan int)
	go func() {
		blocked.Done()
		ch <- 1
	}()
}

// waitForNeverStarted waits on a WaitGroup whose work was never started.
func waitForNeverStarted(blocked *sync.WaitGroup) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		blocked.Done()
		wg.Wait()
	}()
}

// waitOnCond waits on a condition that nobody else can ever signal.
func waitOnCond(blocked *sync.WaitGroup) {
	c := sync.NewCond(new(sync.Mutex))
	go func() {
		c.L.Lock()
		blocked.Done()
		c.Wait()
		c.L.Unlock()
	}()
}

// events is a package-level channel: always reachable, so a goroutine stuck
// sending on it is never reported, although nothing ever receives.
var events = make(chan string)

func sendOnGlobal(blocked *sync.WaitGroup) {
	go func() {
		blocked.Done()
		events <- "never received"
	}()
}

func main() {
	leak := pprof.Lookup("goroutineleak")
	if leak == nil {
		fmt.Fprintln(os.Stderr, "leakprofile: no goroutineleak profile in this build; run it with GOEXPERIMENT=goroutineleakprofile")
		os.Exit(1)
	}

	var blocked sync.WaitGroup
	blocked.Add(8)
	abba(&blocked)
	keep := abbaStillReachable(&blocked)
	sendNoReceiver(&blocked)
	waitForNeverStarted(&blocked)
	waitOnCond(&blocked)
	sendOnGlobal(&blocked)
	blocked.Wait()
	if err := waitUntilBlocked(8, 5*time.Second); err != nil {
		fmt.Fprintln(os.Stderr, "leakprofile:", err)
		os.Exit(1)
	}

	var buf bytes.Buffer
	if err := leak.WriteTo(&buf, 1); err != nil {
		fmt.Fprintln(os.Stderr, "leakprofile:", err)
		os.Exit(1)
	}
	found := leakedFuncs(buf.String())
	all := []string{"abba", "abbaStillReachable", "sendNoReceiver", "waitForNeverStarted", "waitOnCond", "sendOnGlobal"}
	fmt.Printf("goroutineleak profile: %d goroutines reported as leaked\n", leak.Count())
	for _, name := range all {
		verdict := "missed"
		switch n := found[name]; n {
		case 0:
		case 1:
			verdict = "reported (1 goroutine)"
		default:
			verdict = fmt.Sprintf("reported (%d goroutines)", n)
		}
		fmt.Printf("  %-20s %s\n", name, verdict)
	}
	runtime.KeepAlive(keep)
}

// leakedFuncs counts, for each function of this program, how many leaked
// goroutines were started by it. In the debug=1 text each record starts with
// "N @ pc pc ..." and its frames are "#\tpc\tfunction+off\tfile:line" lines.
func leakedFuncs(profile string) map[string]int {
	frame := regexp.MustCompile(`^#\s+0x[0-9a-f]+\s+main\.([A-Za-z]+)`)
	count := regexp.MustCompile(`^(\d+) @`)
	found := map[string]int{}
	n := 0
	for record := range strings.SplitSeq(profile, "\n\n") {
		for line := range strings.SplitSeq(record, "\n") {
			if m := count.FindStringSubmatch(line); m != nil {
				fmt.Sscan(m[1], &n)
			}
			if m := frame.FindStringSubmatch(line); m != nil {
				found[m[1]] += n
				break
			}
		}
	}
	return found
}

// waitUntilBlocked polls the stacks of all goroutines until n of them,
// started by this program, are parked in a channel or lock operation.
// Blocked.Wait above only says they are about to block.
func waitUntilBlocked(n int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	buf := make([]byte, 1<<20)
	for {
		stacks := string(buf[:runtime.Stack(buf, true)])
		got := 0
		for g := range strings.SplitSeq(stacks, "\n\n") {
			if slices.ContainsFunc([]string{"[chan send", "[sync.Mutex.Lock", "[sync.WaitGroup.Wait", "[sync.Cond.Wait"}, func(s string) bool {
				return strings.Contains(g, s)
			}) && strings.Contains(g, "main.") {
				got++
			}
		}
		if got >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d goroutines blocked after %v", got, n, limit)
		}
		time.Sleep(time.Millisecond)
	}
}
