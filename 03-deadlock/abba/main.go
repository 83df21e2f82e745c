// Command abba deadlocks on purpose: two transfers lock the same two
// accounts in opposite order ("A then B" and "B then A", hence ABBA).
//
// Each transfer takes its first lock, then waits until the other has taken
// its first lock too, so the deadlock happens on every run rather than now
// and then. With nothing else left to run, the Go runtime notices that every
// goroutine is asleep and stops the program with
//
//	fatal error: all goroutines are asleep - deadlock!
//
// and exit status 2. Build it without -race: a race build links cgo, and the
// runtime skips this check in cgo binaries (../selectforever), so it hangs.
package main

import (
	"fmt"
	"sync"
)

type account struct {
	id      int
	mu      sync.Mutex
	balance int
}

// transfer locks from, then to: the order depends on the caller, which is
// the whole bug.
func transfer(from, to *account, amount int, bothHoldOne *sync.WaitGroup) {
	from.mu.Lock()
	defer from.mu.Unlock()
	fmt.Printf("transfer %d->%d: holds account %d, wants account %d\n", from.id, to.id, from.id, to.id)
	// Wait until the other transfer holds its first lock: now neither can
	// take its second one.
	bothHoldOne.Done()
	bothHoldOne.Wait()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

func main() {
	a := &account{id: 1, balance: 100}
	b := &account{id: 2, balance: 100}

	var bothHoldOne, done sync.WaitGroup
	bothHoldOne.Add(2)
	done.Go(func() { transfer(a, b, 10, &bothHoldOne) })
	done.Go(func() { transfer(b, a, 20, &bothHoldOne) })
	done.Wait()
	fmt.Println("both transfers done") // never printed
}
