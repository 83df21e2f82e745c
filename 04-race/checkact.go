package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// A wallet lets goroutines withdraw money without going below zero.
// TryWithdraw takes n and reports true if the balance was at least n, and
// otherwise takes nothing and reports false. The invariant: the balance never
// goes negative.
type wallet interface {
	TryWithdraw(n int64) bool
	Balance() int64
}

// stepLocked is the broken one. Every method holds the lock, so there is no
// data race and the race detector has nothing to report, but TryWithdraw is
// two locked steps: check the balance, then withdraw. Between them the lock
// is free, another goroutine can withdraw too, and both act on a balance
// that is no longer true. A race condition without a data race.
type stepLocked struct {
	mu      sync.Mutex
	balance int64  // guarded by mu
	pause   func() // called between check and act; see newWallets
}

func (w *stepLocked) Balance() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.balance
}

func (w *stepLocked) withdraw(n int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.balance -= n
}

func (w *stepLocked) TryWithdraw(n int64) bool {
	if w.Balance() < n { // check (locked)...
		return false
	}
	w.pause()
	w.withdraw(n) // ...then act (locked), on a balance that may have changed
	return true
}

// lockedAcross fixes it by holding the lock across the whole compound step,
// so no other goroutine can get between the check and the act.
type lockedAcross struct {
	mu      sync.Mutex
	balance int64 // guarded by mu
	pause   func()
}

func (w *lockedAcross) Balance() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.balance
}

func (w *lockedAcross) TryWithdraw(n int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.balance < n {
		return false
	}
	w.pause() // others may run now, but none can touch balance
	w.balance -= n
	return true
}

// casLoop fixes it without a lock: read the balance, decide, and store the
// new balance only if it is still the one we read (compare-and-swap). If
// another goroutine got in between, the swap fails and we decide again with
// the fresh value.
type casLoop struct {
	balance atomic.Int64
	pause   func()
}

func (w *casLoop) Balance() int64 { return w.balance.Load() }

func (w *casLoop) TryWithdraw(n int64) bool {
	for {
		old := w.balance.Load()
		if old < n {
			return false
		}
		w.pause()
		if w.balance.CompareAndSwap(old, old-n) {
			return true
		}
		// Someone else changed the balance since we read it: try again.
	}
}

// walletKind names a wallet implementation and makes one.
type walletKind struct {
	name   string
	broken bool
	make   func(balance int64, pause func()) wallet
}

// wallets lists the broken wallet and its two fixes. pause is called between
// the check and the act: it stands in for whatever a real program does there
// (a log line, a cache miss, being preempted). runtime.Gosched makes the
// window wide enough to hit in a short run; with no pause at all the broken
// wallet still breaks, only rarely (see docs/04-race.md).
var wallets = []walletKind{
	{"each step locked", true, func(b int64, p func()) wallet { return &stepLocked{balance: b, pause: p} }},
	{"lock across both", false, func(b int64, p func()) wallet { return &lockedAcross{balance: b, pause: p} }},
	{"compare-and-swap", false, func(b int64, p func()) wallet {
		w := &casLoop{pause: p}
		w.balance.Store(b)
		return w
	}},
}

// stressResult is what stressWallet saw.
type stressResult struct {
	rounds    int
	overdrawn int   // rounds that ended below zero
	lowest    int64 // the lowest final balance of any round
}

// stressBudget bounds a stress run in time as well as in rounds: on a
// machine so loaded that the rounds take longer, the run stops early and
// reports how many rounds it did.
const stressBudget = 10 * time.Second

// stressWallet runs rounds rounds. In each, a fresh wallet holds 100 and
// goroutines goroutines are released together to withdraw 100 each: exactly
// one may succeed. A round is overdrawn when the final balance is negative
// or more than one withdrawal succeeded.
func stressWallet(k walletKind, rounds, goroutines int, pause func()) stressResult {
	const start, amount = 100, 100
	var res stressResult
	deadline := time.Now().Add(stressBudget)
	for ; res.rounds < rounds && time.Now().Before(deadline); res.rounds++ {
		w := k.make(start, pause)
		var (
			wg  sync.WaitGroup
			won atomic.Int64
		)
		gate := make(chan struct{})
		for range goroutines {
			wg.Go(func() {
				<-gate // line everyone up, then let them go at once
				if w.TryWithdraw(amount) {
					won.Add(1)
				}
			})
		}
		close(gate)
		wg.Wait()
		b := w.Balance()
		if b < 0 || won.Load() > 1 {
			res.overdrawn++
		}
		res.lowest = min(res.lowest, b)
	}
	return res
}
