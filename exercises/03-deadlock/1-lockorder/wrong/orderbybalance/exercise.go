//go:build coach

// Wrong: orders the locks by balance, which is no fixed order: equal
// balances fall back to the caller's order, and balances change.
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
	first, second := from, to
	if second.balance > first.balance {
		first, second = second, first
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}
