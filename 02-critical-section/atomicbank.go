package main

import "sync/atomic"

// AtomicBank uses no lock at all: each balance is its own atomic.Int64, and
// so is the count of transfers. An atomic operation is a critical section
// one machine word wide, done by the CPU.
//
// One word is enough for the counter and for "take amount out of this
// account if it holds enough" (a compare-and-swap loop). It is not enough
// for a transfer, which changes two words: between the withdrawal and the
// deposit the money is in flight, and a Total summed at that moment misses
// it. Money is still never created or lost, and no balance goes negative,
// but Total is not a snapshot. Needing two words to change together is the
// sign that you need a lock (or one owner goroutine).
type AtomicBank struct {
	balances  []atomic.Int64
	transfers atomic.Int64
}

// NewAtomicBank returns a bank whose accounts start with the given balances.
func NewAtomicBank(balances []int64) *AtomicBank {
	b := &AtomicBank{balances: make([]atomic.Int64, len(balances))}
	for i, v := range balances {
		b.balances[i].Store(v)
	}
	return b
}

// Transfer implements Bank.
func (b *AtomicBank) Transfer(from, to int, amount int64) error {
	if err := validate(len(b.balances), from, to, amount); err != nil {
		return err
	}
	src := &b.balances[from]
	for {
		old := src.Load()
		if old < amount {
			return ErrInsufficientFunds
		}
		// Succeeds only if nobody changed the balance since we loaded it;
		// otherwise load again and recheck. This is check-then-act made
		// safe without a lock.
		if src.CompareAndSwap(old, old-amount) {
			break
		}
	}
	// Here the money has left from and not yet reached to.
	b.balances[to].Add(amount)
	b.transfers.Add(1)
	return nil
}

// Balance implements Bank.
func (b *AtomicBank) Balance(account int) int64 {
	if account < 0 || account >= len(b.balances) {
		return 0
	}
	return b.balances[account].Load()
}

// Total implements Bank, but is not a snapshot: each Load is atomic, the sum
// of them is not, and it can miss money that is between two accounts.
func (b *AtomicBank) Total() int64 {
	var sum int64
	for i := range b.balances {
		sum += b.balances[i].Load()
	}
	return sum
}

// Transfers implements Bank.
func (b *AtomicBank) Transfers() int64 { return b.transfers.Load() }

// Close implements Bank; nothing to release.
func (b *AtomicBank) Close() {}
