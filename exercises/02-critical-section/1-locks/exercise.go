//go:build coach

// Exercise 02.1: one lock per account.
//
// Accounts keeps many balances behind one sync.Mutex, like MutexBank in
// 02-critical-section/mutexbank.go. That is correct, but it makes every
// operation wait for every other one: a withdrawal from account 1 waits for
// a deposit to account 7, although the two share nothing. The test starts
// two operations on different accounts and holds each inside its critical
// section until the other has got into its own; with one lock for all, the
// second never gets in, and after ten seconds the test gives up and fails.
//
// TODO: give each account a lock of its own, so that operations on different
// accounts run at the same time while operations on the same account still
// take turns. Keep Withdraw's check and its update in one critical section,
// and keep the call to a.between(account) inside the section, just before
// the update.
//
// (Every operation here touches one account. A transfer touches two, and
// holding two locks at once brings a danger of its own: chapter 03.)
package locks

import (
	"errors"
	"slices"
	"sync"
)

// ErrInsufficientFunds is returned by Withdraw when the account holds less
// than the amount.
var ErrInsufficientFunds = errors.New("insufficient funds")

// Accounts is a fixed number of balances, numbered from 0. Its methods may
// be called from any number of goroutines at once. Account numbers must be
// in range and amounts ≥ 0.
type Accounts struct {
	mu       sync.Mutex // guards every balance
	balances []int64
	pause    func(account int) // set by the test; see between
}

// New returns accounts that start with the given balances.
func New(balances []int64) *Accounts {
	return &Accounts{balances: slices.Clone(balances)}
}

// Deposit adds amount to the account.
func (a *Accounts) Deposit(account int, amount int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.between(account)
	a.balances[account] += amount
}

// Withdraw takes amount out of the account, or returns ErrInsufficientFunds
// and changes nothing if the account holds less than amount.
func (a *Accounts) Withdraw(account int, amount int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.balances[account] < amount {
		return ErrInsufficientFunds
	}
	a.between(account)
	a.balances[account] -= amount
	return nil
}

// Balance returns what the account holds now.
func (a *Accounts) Balance(account int) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balances[account]
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
