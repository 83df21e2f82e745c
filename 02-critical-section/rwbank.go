package main

import (
	"slices"
	"sync"
)

// RWBank is MutexBank with a sync.RWMutex: any number of readers (Balance,
// Total, Transfers) may hold the lock together, and a writer (Transfer) holds
// it alone. That only pays when reads are many and long enough to overlap;
// the benchmarks show the cases where it is slower than a plain Mutex.
type RWBank struct {
	mu        sync.RWMutex // guards balances and transfers
	balances  []int64
	transfers int64
}

// NewRWBank returns a bank whose accounts start with the given balances.
func NewRWBank(balances []int64) *RWBank {
	return &RWBank{balances: slices.Clone(balances)}
}

// Transfer implements Bank. It writes, so it takes the exclusive lock.
func (b *RWBank) Transfer(from, to int, amount int64) error {
	if err := validate(len(b.balances), from, to, amount); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.balances[from] < amount {
		return ErrInsufficientFunds
	}
	b.balances[from] -= amount
	b.balances[to] += amount
	b.transfers++
	return nil
}

// Balance implements Bank with a shared (read) lock.
func (b *RWBank) Balance(account int) int64 {
	if account < 0 || account >= len(b.balances) {
		return 0
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.balances[account]
}

// Total implements Bank with a shared (read) lock: many Totals can sum at
// once, but no Transfer can run in the middle of one.
func (b *RWBank) Total() int64 {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var sum int64
	for _, v := range b.balances {
		sum += v
	}
	return sum
}

// Transfers implements Bank with a shared (read) lock.
func (b *RWBank) Transfers() int64 {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.transfers
}

// Close implements Bank; nothing to release.
func (b *RWBank) Close() {}
