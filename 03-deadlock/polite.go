package main

import (
	"errors"
	"math/rand/v2"
	"time"
)

// Politeness says how TransferPolite retries when the second account is busy.
type Politeness struct {
	// Hold is how long a transfer keeps its first lock before trying the
	// second (reading the balance, say), and how long it waits, still
	// holding, before it gives the first lock back after a failed try.
	Hold time.Duration
	// Backoff is the pause before the next attempt.
	Backoff time.Duration
	// Jitter, when not nil, returns an extra random pause added to Backoff.
	// Without it two polite transfers that started together stay in step
	// for ever: a livelock.
	Jitter func() time.Duration
	// MaxAttempts bounds the retries; 0 means 100.
	MaxAttempts int
}

// ErrGaveUp is returned by TransferPolite after MaxAttempts failed attempts.
var ErrGaveUp = errors.New("gave up: the other account was always busy")

// TransferPolite moves amount from one account to another without ever
// blocking on a lock: it takes the first lock with TryLock, tries the second
// with TryLock, and when that fails it lets go of the first and tries again
// later. Nobody waits while holding a lock for ever, so the "hold and wait"
// condition is broken and it cannot deadlock.
//
// It can livelock instead: two transfers in opposite directions that start
// together and back off by the same amount meet again at the same moment,
// every time. Jitter breaks the symmetry. TransferPolite returns how many
// attempts it made.
func TransferPolite(from, to *Account, amount int64, p Politeness) (attempts int, err error) {
	if from == to {
		return 0, ErrSameAccount
	}
	limit := p.MaxAttempts
	if limit <= 0 {
		limit = 100
	}
	backoff := func() {
		d := p.Backoff
		if p.Jitter != nil {
			d += p.Jitter()
		}
		time.Sleep(d)
	}
	for attempts = 1; attempts <= limit; attempts++ {
		if !from.mu.TryLock() {
			backoff()
			continue
		}
		time.Sleep(p.Hold)
		if !to.mu.TryLock() {
			time.Sleep(p.Hold)
			from.mu.Unlock()
			backoff()
			continue
		}
		from.balance -= amount
		to.balance += amount
		to.mu.Unlock()
		from.mu.Unlock()
		return attempts, nil
	}
	return limit, ErrGaveUp
}

// UniformJitter returns a Jitter function that draws pauses uniformly from
// [0, ceiling) with its own generator seeded by seed. It is not safe for
// concurrent use: give each goroutine its own.
func UniformJitter(seed uint64, ceiling time.Duration) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func() time.Duration { return time.Duration(r.Int64N(int64(ceiling))) }
}

// LivelockResult is what happened to two polite transfers in opposite
// directions between the same two accounts.
type LivelockResult struct {
	Attempts [2]int   // attempts each made
	Errs     [2]error // nil for a transfer that got through
}

// Livelock runs two polite transfers, a->b and b->a, started together, and
// waits for both. With no jitter, each finds the other's account busy on
// every attempt until both give up.
func Livelock(a, b *Account, p Politeness, jitter [2]func() time.Duration) LivelockResult {
	var r LivelockResult
	pa, pb := p, p
	pa.Jitter, pb.Jitter = jitter[0], jitter[1]
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Attempts[1], r.Errs[1] = TransferPolite(b, a, 1, pb)
	}()
	r.Attempts[0], r.Errs[0] = TransferPolite(a, b, 1, pa)
	<-done
	return r
}
