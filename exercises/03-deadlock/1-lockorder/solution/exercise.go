//go:build coach

// Exercise 03.1, solved: every transfer locks the account with the smaller
// ID first, whatever its direction. A cycle of waiting would need someone
// to hold a larger ID while waiting for a smaller one, and nobody ever does,
// so the circular wait, one of the four Coffman conditions, cannot form.
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
	// The order of the locks comes from the accounts, not from the caller:
	// 1->2 and 2->1 both take account 1 first, so the second to arrive
	// waits holding nothing, and the first can always finish.
	first, second := from, to
	if second.ID < first.ID {
		first, second = second, first
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	// The balances move as before: from pays, to receives.
	from.balance -= amount
	to.balance += amount
}
