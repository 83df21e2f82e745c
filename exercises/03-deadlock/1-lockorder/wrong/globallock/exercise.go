//go:build coach

// Wrong: one lock around every transfer: no deadlock, but transfers on
// different accounts take turns, and the accounts' own locks are for show.
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
	bank.Lock()
	defer bank.Unlock()
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

// bank makes every transfer take turns.
var bank sync.Mutex
