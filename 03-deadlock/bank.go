package main

import (
	"errors"
	"sync"
)

// An Account is a balance guarded by its own mutex. The ID is what makes a
// global lock order possible: every transfer that needs two accounts locks
// the one with the smaller ID first.
type Account struct {
	ID      int
	mu      sync.Mutex
	balance int64
}

// NewAccount returns an account with the given ID and opening balance.
func NewAccount(id int, balance int64) *Account {
	return &Account{ID: id, balance: balance}
}

// Balance reads the balance under the account's lock.
func (a *Account) Balance() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// ErrSameAccount is returned for a transfer from an account to itself.
var ErrSameAccount = errors.New("transfer to the same account")

// TransferOrdered moves amount between two accounts, holding both locks.
//
// It breaks the "circular wait" condition: whatever the direction of the
// transfer, the account with the smaller ID is locked first, so no two
// transfers can each hold the lock the other one wants. The naive version,
// lock from then lock to, is the ABBA deadlock of ./03-deadlock/abba.
func TransferOrdered(from, to *Account, amount int64) error {
	if from == to {
		return ErrSameAccount
	}
	first, second := from, to
	if second.ID < first.ID {
		first, second = second, first
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	from.balance -= amount
	to.balance += amount
	return nil
}

// Total sums the balances of accounts, locking each in turn. While no
// transfer is running it is the invariant every test checks: transfers move
// money, they never make or lose it.
func Total(accounts []*Account) int64 {
	var sum int64
	for _, a := range accounts {
		sum += a.Balance()
	}
	return sum
}
