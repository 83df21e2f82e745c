//go:build coach

// Wrong: a lock per account, but Balance reads without taking it: a read
// is shared memory too, and it races with the writes.
package locks

import (
	"errors"
	"sync"
)

// ErrInsufficientFunds is returned by Withdraw when the account holds less
// than the amount.
var ErrInsufficientFunds = errors.New("insufficient funds")

// Accounts is a fixed number of balances, numbered from 0. Its methods may
// be called from any number of goroutines at once. Account numbers must be
// in range and amounts ≥ 0.
type Accounts struct {
	// The slice itself is never changed after New, so reading it needs no
	// lock; each element's mu guards that element's balance.
	accounts []account
	pause    func(account int) // set by the test; see between
}

// An account is a balance and the lock that guards it, side by side.
type account struct {
	mu      sync.Mutex
	balance int64
}

// New returns accounts that start with the given balances.
func New(balances []int64) *Accounts {
	a := &Accounts{accounts: make([]account, len(balances))}
	for i, b := range balances {
		a.accounts[i].balance = b
	}
	return a
}

// get returns a pointer to the account. A copy (acc := a.accounts[i]) would
// carry a copy of the mutex, and locking a copy excludes nobody.
func (a *Accounts) get(i int) *account { return &a.accounts[i] }

// Deposit adds amount to the account.
func (a *Accounts) Deposit(i int, amount int64) {
	acc := a.get(i)
	acc.mu.Lock()
	defer acc.mu.Unlock()
	a.between(i)
	acc.balance += amount
}

// Withdraw takes amount out of the account, or returns ErrInsufficientFunds
// and changes nothing if the account holds less than amount.
func (a *Accounts) Withdraw(i int, amount int64) error {
	acc := a.get(i)
	acc.mu.Lock()
	defer acc.mu.Unlock()
	if acc.balance < amount {
		return ErrInsufficientFunds
	}
	a.between(i)
	acc.balance -= amount
	return nil
}

// Balance returns what the account holds now.
func (a *Accounts) Balance(i int) int64 {
	return a.get(i).balance
}

// between stands for whatever else a real critical section does before it
// writes (log the operation, check a limit). The test sets pause to hold an
// operation inside its section; otherwise it does nothing. Call it with the
// account's lock held.
func (a *Accounts) between(account int) {
	if a.pause != nil {
		a.pause(account)
	}
}
