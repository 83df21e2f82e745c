//go:build coach

// Wrong: one lock per kind of operation (deposits, withdrawals) instead of
// one per account: two withdrawals from different accounts still take turns.
package locks

import (
	"errors"
	"slices"
	"sync"
)

// ErrInsufficientFunds is returned by Withdraw when the account holds less
// than the amount.
var ErrInsufficientFunds = errors.New("insufficient funds")

// Accounts is a fixed number of balances, numbered from 0.
type Accounts struct {
	mu       sync.Mutex // guards every balance, for deposits and reads
	withdraw sync.Mutex // taken around withdrawals, inside mu's sections
	balances []int64
	pause    func(account int)
}

// New returns accounts that start with the given balances.
func New(balances []int64) *Accounts {
	return &Accounts{balances: slices.Clone(balances)}
}

// Deposit adds amount to the account.
func (a *Accounts) Deposit(account int, amount int64) {
	a.mu.Lock()
	a.between(account)
	a.balances[account] += amount
	a.mu.Unlock()
}

// Withdraw takes amount out of the account, or returns ErrInsufficientFunds.
func (a *Accounts) Withdraw(account int, amount int64) error {
	a.withdraw.Lock()
	defer a.withdraw.Unlock()
	a.mu.Lock()
	if a.balances[account] < amount {
		a.mu.Unlock()
		return ErrInsufficientFunds
	}
	a.mu.Unlock()
	a.between(account)
	a.mu.Lock()
	a.balances[account] -= amount
	a.mu.Unlock()
	return nil
}

// Balance returns what the account holds now.
func (a *Accounts) Balance(account int) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balances[account]
}

func (a *Accounts) between(account int) {
	if a.pause != nil {
		a.pause(account)
	}
}
