// Package synctestdl holds tests that fail on purpose, to show what
// testing/synctest says about deadlocks. It lives under testdata so that
// go test ./... never runs it; the chapter's tests run it in a child process
// (go test -run ... ./03-deadlock/testdata/synctestdl) and check the output.
package synctestdl

import (
	"sync"
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestChannelDeadlock: the bubble's only goroutine sends on an unbuffered
// channel. A channel made inside the bubble blocks "durably": only another
// goroutine of the same bubble could wake it, and there is none. synctest
// sees that every goroutine in the bubble is durably blocked and panics at
// once, on every run, with no timeout involved.
func TestChannelDeadlock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan int)
		ch <- 1
	})
}

// TestLeftBehind: the test function returns but leaves a goroutine blocked
// forever on a channel; synctest reports it instead of letting it leak.
func TestLeftBehind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		results := make(chan int)
		go func() { results <- 42 }()
	})
}

// TestChannelABBA: the ABBA deadlock with channel-based locks (a channel of
// capacity 1: send to lock, receive to unlock). synctest catches it.
func TestChannelABBA(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan struct{}, 1), make(chan struct{}, 1)
		var bothHoldOne, done sync.WaitGroup
		bothHoldOne.Add(2)
		lockBoth := func(first, second chan struct{}) {
			first <- struct{}{}
			bothHoldOne.Done()
			bothHoldOne.Wait()
			second <- struct{}{}
		}
		done.Go(func() { lockBoth(a, b) })
		done.Go(func() { lockBoth(b, a) })
		done.Wait()
	})
}

// TestMutexABBA: the same ABBA deadlock with sync.Mutex. A goroutine blocked
// in Mutex.Lock is not durably blocked (a mutex is not tied to a bubble, so
// something outside could unlock it), so synctest never declares a deadlock:
// the test hangs until go test's -timeout kills it.
func TestMutexABBA(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var a, b sync.Mutex
		var bothHoldOne, done sync.WaitGroup
		bothHoldOne.Add(2)
		lockBoth := func(first, second *sync.Mutex) {
			first.Lock()
			bothHoldOne.Done()
			bothHoldOne.Wait()
			second.Lock()
		}
		done.Go(func() { lockBoth(&a, &b) })
		done.Go(func() { lockBoth(&b, &a) })
		done.Wait()
	})
}
