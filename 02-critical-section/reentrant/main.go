// Command reentrant deadlocks on purpose: a method that holds a sync.Mutex
// calls another method that locks the same mutex.
//
// In Java a thread may re-enter a synchronized block it already holds, and
// Python has threading.RLock for the same thing. A Go sync.Mutex is not
// reentrant: it does not know which goroutine holds it, so the second Lock
// waits for an Unlock that can never come. Here main is the only goroutine,
// so the runtime notices that nothing can ever run again and stops the
// program with "all goroutines are asleep - deadlock!" (exit status 2). In a
// server with other goroutines still alive, it would just hang.
//
// The usual fix: an unexported method that expects the lock to be held
// (balanceLocked), called by both exported methods.
package main

import (
	"fmt"
	"sync"
)

type account struct {
	mu      sync.Mutex
	balance int64
}

// Balance locks, so it is safe to call from anywhere but inside a method
// that already holds a.mu.
func (a *account) Balance() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// Withdraw takes the lock and then calls Balance, which takes it again.
func (a *account) Withdraw(amount int64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Balance() < amount { // deadlock: a.mu is already held, by us
		return false
	}
	a.balance -= amount
	return true
}

func main() {
	a := &account{balance: 100}
	fmt.Println("withdrawing 30 from an account of 100...")
	ok := a.Withdraw(30)
	fmt.Println("withdrew:", ok) // never printed
}
