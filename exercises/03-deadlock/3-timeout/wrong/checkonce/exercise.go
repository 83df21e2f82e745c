//go:build coach

// Wrong: looks at ctx once, before waiting, and then waits for ever: a
// deadline that passes during the wait is never noticed.
package timeout

import (
	"context"
	"fmt"
)

// ChanMutex is a lock made of a channel with room for one token: sending
// the token locks, receiving it unlocks. Unlike sync.Mutex, its Lock can
// give up. Make one with NewChanMutex.
type ChanMutex struct{ token chan struct{} }

// NewChanMutex returns an unlocked ChanMutex.
func NewChanMutex() *ChanMutex { return &ChanMutex{token: make(chan struct{}, 1)} }

// Lock takes the lock, or returns ctx.Err() if ctx is done first.
func (m *ChanMutex) Lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.token <- struct{}{}
	return nil
}

// Unlock releases the lock. Unlocking an unlocked ChanMutex panics, as it
// does for sync.Mutex, instead of blocking for ever.
func (m *ChanMutex) Unlock() {
	select {
	case <-m.token:
	default:
		panic("ChanMutex: unlock of unlocked mutex")
	}
}

// A Vault is a balance guarded by a ChanMutex.
type Vault struct {
	ID      int
	lock    *ChanMutex
	balance int64
}

// NewVault returns a vault with the given ID and opening balance.
func NewVault(id int, balance int64) *Vault {
	return &Vault{ID: id, lock: NewChanMutex(), balance: balance}
}

// holdingFrom, when not nil, is called by TransferWithin while it holds
// from and not yet to. The test uses it to line two transfers up in the
// ABBA shape; leave it as it is.
var holdingFrom func()

// TransferWithin moves amount from one vault to another, locking from and
// then to in the caller's order, which can deadlock, except that every wait
// is bounded by ctx. When a lock cannot be had before ctx is done, it
// returns an error that wraps ctx.Err(), and its deferred Unlock gives back
// what it held, so the other transfer can go on.
func TransferWithin(ctx context.Context, from, to *Vault, amount int64) error {
	if err := from.lock.Lock(ctx); err != nil {
		return fmt.Errorf("transfer %d->%d: lock %d: %w", from.ID, to.ID, from.ID, err)
	}
	defer from.lock.Unlock()
	if holdingFrom != nil {
		holdingFrom()
	}
	if err := to.lock.Lock(ctx); err != nil {
		return fmt.Errorf("transfer %d->%d: holding %d, lock %d: %w", from.ID, to.ID, from.ID, to.ID, err)
	}
	defer to.lock.Unlock()
	from.balance -= amount
	to.balance += amount
	return nil
}
