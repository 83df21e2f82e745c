//go:build coach

// Exercise 03.1: lock in one order.
//
// Transfer locks from, then to, so the order of the locks depends on the
// caller. Two transfers in opposite directions, 1->2 and 2->1, can each take
// their first account and then wait for ever for the other's: the ABBA
// deadlock of 03-deadlock/abba. The test lines the two up so that this
// happens on every run, sees the cycle in the wait-for graph, and fails.
//
// TODO: make Transfer unable to deadlock by breaking the circular wait. Keep
// one lock per account (no lock around the whole bank), and keep holding
// both accounts while the money moves.
package lockorder

import "sync"

// An Account is a balance guarded by its own lock.
type Account struct {
	ID int
	// mu is a *sync.Mutex. The test gives its accounts a lock that also
	// tells it who holds which account and who waits for which, so it can
	// draw the wait-for graph.
	mu      sync.Locker
	balance int64
}

// NewAccount returns an account with the given ID and opening balance.
func NewAccount(id int, balance int64) *Account {
	return &Account{ID: id, mu: new(sync.Mutex), balance: balance}
}

// Balance reads the balance under the account's lock.
func (a *Account) Balance() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// Transfer moves amount from one account to another, holding both locks.
// from and to must be different accounts. It may be called from many
// goroutines at once, in any direction.
func Transfer(from, to *Account, amount int64) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}
