// Package synctestdl holds tests that fail on purpose, to show what
// testing/synctest says about deadlocks. It lives under testdata so that
// go test ./... never runs it; the chapter's tests run it in a child process
// (go test -run ... ./03-deadlock/testdata/synctestdl) and check the output.
package synctestdl

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"

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

// TestNaivePhilosophers: five philosophers, five forks (channels of capacity
// one), everyone picks up the left fork, then reaches for the right one a
// moment later. At that moment every fork is taken and everyone waits for
// a neighbour: the circle the hierarchy and the waiter break. With the fake
// clock all five reach at the same instant, so this deadlocks on every run,
// and synctest says so at once.
func TestNaivePhilosophers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 5
		forks := make([]chan struct{}, n)
		for i := range forks {
			forks[i] = make(chan struct{}, 1)
		}
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				left, right := forks[i], forks[(i+1)%n]
				left <- struct{}{}
				time.Sleep(time.Millisecond)
				right <- struct{}{}
				<-right
				<-left
			})
		}
		wg.Wait()
	})
}

// TestPlainMutexABBA: the ABBA deadlock in an ordinary test, no synctest.
// The runtime's "all goroutines are asleep" never fires inside go test: the
// -timeout alarm is a pending timer, so not every goroutine is asleep. The
// test hangs until that alarm goes off and panics with every stack.
func TestPlainMutexABBA(t *testing.T) {
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
}
