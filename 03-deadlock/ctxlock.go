package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// A CtxLocker is a lock whose Lock can give up: it waits until the lock is
// free or ctx is done, and returns ctx's error in the second case. A
// sync.Mutex cannot do this; a channel or a semaphore can.
type CtxLocker interface {
	Lock(ctx context.Context) error
	Unlock()
}

// ChanMutex is a lock made of a channel with room for one token: sending the
// token locks, receiving it unlocks. Because locking is a channel send, it
// can sit in a select beside ctx.Done(). Make one with NewChanMutex.
type ChanMutex struct{ token chan struct{} }

// NewChanMutex returns an unlocked ChanMutex.
func NewChanMutex() *ChanMutex { return &ChanMutex{token: make(chan struct{}, 1)} }

// Lock takes the lock, or returns ctx.Err() if ctx is done first.
func (m *ChanMutex) Lock(ctx context.Context) error {
	select {
	case m.token <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
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

// SemMutex is a lock made of golang.org/x/sync/semaphore with one unit:
// Acquire takes a context, so it can give up too. Make one with NewSemMutex.
type SemMutex struct{ sem *semaphore.Weighted }

// NewSemMutex returns an unlocked SemMutex.
func NewSemMutex() *SemMutex { return &SemMutex{sem: semaphore.NewWeighted(1)} }

// Lock takes the lock, or returns ctx.Err() if ctx is done first.
func (m *SemMutex) Lock(ctx context.Context) error { return m.sem.Acquire(ctx, 1) }

// Unlock releases the lock.
func (m *SemMutex) Unlock() { m.sem.Release(1) }

// A Vault is an account guarded by a lock that can time out.
type Vault struct {
	ID      int
	lock    CtxLocker
	balance int64
}

// NewVault returns a vault with the given ID, balance and lock.
func NewVault(id int, balance int64, lock CtxLocker) *Vault {
	return &Vault{ID: id, lock: lock, balance: balance}
}

// Balance reads the balance, waiting for the lock as long as ctx allows.
func (v *Vault) Balance(ctx context.Context) (int64, error) {
	if err := v.lock.Lock(ctx); err != nil {
		return 0, err
	}
	defer v.lock.Unlock()
	return v.balance, nil
}

// TransferWithin moves amount between two vaults, locking from and then to
// in the caller's order, which may deadlock, except that every wait is
// bounded by ctx: when to cannot be had in time, it gives from back and
// returns an error that wraps ctx.Err(). A deadlock becomes a timeout that
// the caller can see, log and retry; the "no preemption" condition is
// broken by the waiter preempting itself.
func TransferWithin(ctx context.Context, from, to *Vault, amount int64) error {
	return transferWithin(ctx, from, to, amount, nil)
}

// transferWithin is TransferWithin with a hook called while holding only
// from, so a demonstration can line two transfers up into the ABBA shape.
func transferWithin(ctx context.Context, from, to *Vault, amount int64, holdingFrom func()) error {
	if from == to {
		return ErrSameAccount
	}
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

// TransferRetry calls TransferWithin with a deadline of perTry for each
// attempt, up to tries attempts, and stops early when ctx is done. Between
// attempts both locks are free, so whichever transfer was in the way can
// finish.
func TransferRetry(ctx context.Context, from, to *Vault, amount int64, perTry time.Duration, tries int) error {
	var err error
	for range tries {
		try, cancel := context.WithTimeout(ctx, perTry)
		err = TransferWithin(try, from, to, amount)
		cancel()
		if err == nil || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// abbaWithTimeouts runs the ABBA pattern with bounded waits: a->b with
// deadline da, b->a with deadline db, each moving 10 and each holding its
// first vault before the other asks for it. It returns each transfer's
// error and how long it took.
func abbaWithTimeouts(a, b *Vault, da, db time.Duration) (errs [2]error, took [2]time.Duration) {
	var bothHoldOne, done sync.WaitGroup
	bothHoldOne.Add(2)
	run := func(i int, from, to *Vault, d time.Duration) {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		errs[i] = transferWithin(ctx, from, to, 10, func() {
			bothHoldOne.Done()
			bothHoldOne.Wait()
		})
		took[i] = time.Since(start)
	}
	done.Go(func() { run(0, a, b, da) })
	done.Go(func() { run(1, b, a, db) })
	done.Wait()
	return errs, took
}
