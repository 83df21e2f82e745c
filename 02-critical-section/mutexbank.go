package main

import (
	"slices"
	"sync"
)

// MutexBank is the plainest correct bank: one sync.Mutex guards every
// balance, and every method holds it for as short a time as it can.
//
// The critical section in Transfer is the check and both updates together.
// Locking each step separately would not be enough: another transfer could
// slip in between the check and the withdrawal (chapter 04 shows that race).
type MutexBank struct {
	mu        sync.Mutex // guards balances and transfers
	balances  []int64
	transfers int64
}

// NewMutexBank returns a bank whose accounts start with the given balances.
func NewMutexBank(balances []int64) *MutexBank {
	return &MutexBank{balances: slices.Clone(balances)}
}

// Transfer implements Bank.
func (b *MutexBank) Transfer(from, to int, amount int64) error {
	if err := validate(len(b.balances), from, to, amount); err != nil {
		return err
	}
	b.mu.Lock()
	// defer runs Unlock on every return below, the early one included, and
	// even if something in between panics.
	defer b.mu.Unlock()
	if b.balances[from] < amount {
		return ErrInsufficientFunds
	}
	b.balances[from] -= amount
	b.balances[to] += amount
	b.transfers++
	return nil
}

// Balance implements Bank.
func (b *MutexBank) Balance(account int) int64 {
	if account < 0 || account >= len(b.balances) {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.balances[account]
}

// Total implements Bank. Holding the lock for the whole sum is what makes it
// a snapshot.
func (b *MutexBank) Total() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	var sum int64
	for _, v := range b.balances {
		sum += v
	}
	return sum
}

// Transfers implements Bank.
func (b *MutexBank) Transfers() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.transfers
}

// Close implements Bank; a mutex needs no cleaning up.
func (b *MutexBank) Close() {}
