//go:build coach

package merge

// Rejects:
//   - serial: drains a, then b: a value ready on b waits while a is open and idle
//   - sleep: polls with a default case and time.Sleep: each value waits for the next poll
//   - spin: keeps selecting on an input that closed: the goroutine never waits, it spins

import (
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// next receives one value from out. Inside the synctest bubble the clock is
// fake and moves only when every goroutine is blocked, so "at once" is
// exact: no fake time may pass between a value going in and coming out.
func next(t *testing.T, out <-chan int, what string) int {
	t.Helper()
	start := time.Now()
	select {
	case v, ok := <-out:
		if !ok {
			t.Fatalf("Merge closed its output while an input was still open, waiting for %s", what)
		}
		if d := time.Since(start); d > 0 {
			t.Fatalf("Merge held a value for %v before passing it on (%s): hand values on as they arrive; time.Sleep is not synchronization", d, what)
		}
		return v
	case <-time.After(time.Hour):
		t.Fatalf("Merge did not pass on %s: take from whichever input is ready, not one after the other", what)
		return 0
	}
}

func TestMergeTakesWhicheverIsReady(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan int), make(chan int)
		out := Merge(a, b)
		send := func(ch chan int, v int) { go func() { ch <- v }() }

		send(b, 10) // a is open and has nothing
		require.Equal(t, 10, next(t, out, "b's 10 while a had nothing"))
		send(a, 1)
		require.Equal(t, 1, next(t, out, "a's 1"))
		close(b) // b is done; a is not
		send(a, 2)
		require.Equal(t, 2, next(t, out, "a's 2 after b closed"))
		send(a, 3)
		require.Equal(t, 3, next(t, out, "a's 3 after b closed"))
		close(a)
		select {
		case v, ok := <-out:
			require.False(t, ok, "a value after both inputs closed: %d", v)
		case <-time.After(time.Hour):
			t.Fatal("Merge did not close its output after both inputs closed")
		}
	})
}

// After one input closes, Merge must wait for the other without using the
// CPU: its goroutines must park. A loop that keeps receiving from the closed
// input never does. The check looks at the goroutines' states, for up to 2
// seconds, until it sees every one of Merge's parked (the first or second
// look does, when Merge is right; the 2 seconds are for a machine so busy
// that Merge's goroutine has not run yet).
func TestMergeWaitsWithoutSpinning(t *testing.T) {
	for _, first := range []string{"a", "b"} {
		a, b := make(chan int), make(chan int)
		out := Merge(a, b)
		if first == "a" {
			close(a)
		} else {
			close(b)
		}
		parked := false
		buf := make([]byte, 1<<20)
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
			if allParked(buf) {
				parked = true
				break
			}
			runtime.Gosched()
		}
		close(stillOpen(first, a, b))
		for range out {
		}
		if !parked {
			t.Fatalf("Merge spins: after %s closed, its goroutine kept running instead of waiting for the other input (a closed channel is always ready; set it to nil)", first)
		}
	}
}

// stillOpen is the input that is still open.
func stillOpen(first string, a, b chan int) chan int {
	if first == "a" {
		return b
	}
	return a
}

// allParked reports whether every goroutine running this package's Merge
// code is blocked (on a channel, a select, a lock), none running or
// runnable.
func allParked(buf []byte) bool {
	stacks := string(buf[:runtime.Stack(buf, true)])
	found := false
	for g := range strings.SplitSeq(stacks, "\n\n") {
		if !strings.Contains(g, ".Merge") || strings.Contains(g, "TestMergeWaitsWithoutSpinning") {
			continue
		}
		found = true
		header, _, _ := strings.Cut(g, "\n")
		if strings.Contains(header, "[running]") || strings.Contains(header, "[runnable]") || strings.Contains(header, "[sleep]") {
			return false
		}
	}
	return found
}
