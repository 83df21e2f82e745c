package main

import "slices"

// SemaphoreBank protects its balances with a binary semaphore made from a
// buffered channel of capacity 1: sending takes the one slot (lock), and
// receiving gives it back (unlock). A second sender blocks until the slot is
// free. It behaves like a sync.Mutex and costs more; its point is that a
// channel of capacity N is a counting semaphore, which lets at most N
// goroutines into a section (a pool of N connections, N downloads at once).
type SemaphoreBank struct {
	sema      ChanLock // holding its one slot guards the fields below
	balances  []int64
	transfers int64
}

// NewSemaphoreBank returns a bank whose accounts start with the given balances.
func NewSemaphoreBank(balances []int64) *SemaphoreBank {
	return &SemaphoreBank{sema: NewChanLock(), balances: slices.Clone(balances)}
}

func (b *SemaphoreBank) lock()   { b.sema.Lock() }
func (b *SemaphoreBank) unlock() { b.sema.Unlock() }

// ChanLock is a binary semaphore: a channel with room for one token. Lock
// puts the token in, waiting while it is already there; Unlock takes it out.
// Unlike a sync.Mutex, any goroutine may Unlock, which is what makes it a
// semaphore rather than a lock with an owner.
type ChanLock chan struct{}

// NewChanLock returns an unlocked ChanLock.
func NewChanLock() ChanLock { return make(ChanLock, 1) }

// Lock waits until the lock is free and takes it.
func (l ChanLock) Lock() { l <- struct{}{} }

// Unlock frees the lock. Unlocking a free ChanLock blocks forever (a
// sync.Mutex would crash instead).
func (l ChanLock) Unlock() { <-l }

// TryLock takes the lock if it is free and reports whether it did.
func (l ChanLock) TryLock() bool {
	select {
	case l <- struct{}{}:
		return true
	default:
		return false
	}
}

// Transfer implements Bank.
func (b *SemaphoreBank) Transfer(from, to int, amount int64) error {
	if err := validate(len(b.balances), from, to, amount); err != nil {
		return err
	}
	b.lock()
	defer b.unlock()
	if b.balances[from] < amount {
		return ErrInsufficientFunds
	}
	b.balances[from] -= amount
	b.balances[to] += amount
	b.transfers++
	return nil
}

// Balance implements Bank.
func (b *SemaphoreBank) Balance(account int) int64 {
	if account < 0 || account >= len(b.balances) {
		return 0
	}
	b.lock()
	defer b.unlock()
	return b.balances[account]
}

// Total implements Bank.
func (b *SemaphoreBank) Total() int64 {
	b.lock()
	defer b.unlock()
	var sum int64
	for _, v := range b.balances {
		sum += v
	}
	return sum
}

// Transfers implements Bank.
func (b *SemaphoreBank) Transfers() int64 {
	b.lock()
	defer b.unlock()
	return b.transfers
}

// Close implements Bank; nothing to release.
func (b *SemaphoreBank) Close() {}
