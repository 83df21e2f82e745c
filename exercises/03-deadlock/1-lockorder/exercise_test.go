//go:build coach

package lockorder

// Rejects:
//   - globallock: one lock around every transfer, so transfers take turns
//   - nohold: never holds both accounts, so the money is in flight
//   - orderbybalance: orders the locks by balance, which is no fixed order

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// stuckAfter bounds the gate's wait (below), and twice stuckAfter the test's
// wait for the transfers. A correct Transfer never comes near either: they
// fire only when something waits for an event that never comes, so that a
// wrong answer fails instead of hanging.
const stuckAfter = 5 * time.Second

// Two transfers in opposite directions, lined up the way that deadlocks:
// each takes its first lock, and neither reaches for its second until the
// other has taken a lock too, or is waiting for the one already held. If the
// two take different accounts first, they hold one each and wait for the
// other's, and the test sees the cycle at once. If they take the same
// account first, the second waits holding nothing and both finish.
func TestOppositeTransfers(t *testing.T) {
	tests := []struct {
		name string
		a, b int // account IDs; the test transfers a->b and b->a at once
	}{
		{"1->2 and 2->1", 1, 2},
		{"9->4 and 4->9", 9, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGraph(t)
			a, b := g.account(tt.a, 100), g.account(tt.b, 100)

			var wg sync.WaitGroup
			wg.Go(func() { Transfer(a, b, 10); g.returned() })
			wg.Go(func() { Transfer(b, a, 30); g.returned() })
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()

			select {
			case <-done:
			case <-g.cycle:
				t.Fatalf("deadlock: accounts %d and %d are each held by one transfer and wanted by the other, "+
					"a cycle in the wait-for graph: %d->%d and %d->%d took their first locks on different accounts",
					tt.a, tt.b, tt.a, tt.b, tt.b, tt.a)
			case <-time.After(2 * stuckAfter):
				t.Fatalf("after %s the two transfers had neither finished nor deadlocked", 2*stuckAfter)
			}
			// wg.Wait happened before close(done): the balances are final.
			assert.Equal(t, [2]int64{120, 80}, [2]int64{a.balance, b.balance},
				"%d->%d moves 10 and %d->%d moves 30", tt.a, tt.b, tt.b, tt.a)
		})
	}
}

// One goroutine, plain accounts: the money goes where it should.
func TestTransferMovesMoney(t *testing.T) {
	a, b := NewAccount(1, 100), NewAccount(2, 100)
	Transfer(a, b, 10)
	Transfer(b, a, 25)
	Transfer(a, b, 5)
	assert.Equal(t, int64(110), a.Balance())
	assert.Equal(t, int64(90), b.Balance())
}

// graph is the wait-for graph of the accounts of one test: which accounts
// are held, and how many lockers wait for each. Every Lock and Unlock of its
// accounts goes through it.
type graph struct {
	t *testing.T

	mu       sync.Mutex
	ids      []int
	accounts []*Account
	total    int64 // what the balances add up to
	held     map[int]bool
	wanted   map[int]int
	finished int           // transfers that have returned
	changed  chan struct{} // closed and replaced on every change
	cycle    chan struct{} // closed when every account is held and wanted
	cycled   bool
}

func newGraph(t *testing.T) *graph {
	return &graph{
		t:       t,
		held:    map[int]bool{},
		wanted:  map[int]int{},
		changed: make(chan struct{}),
		cycle:   make(chan struct{}),
	}
}

// account returns an account whose lock reports to g.
func (g *graph) account(id int, balance int64) *Account {
	g.ids = append(g.ids, id)
	a := &Account{ID: id, mu: &watchedLock{g: g, id: id}, balance: balance}
	g.accounts = append(g.accounts, a)
	g.total += balance
	return a
}

// returned records that a transfer has returned.
func (g *graph) returned() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.finished++
	g.notify()
}

// notify wakes every waiter and checks for the cycle: with two accounts and
// two transfers, every account held and every account wanted means each
// transfer holds one and waits for the other's. Call it with g.mu held.
func (g *graph) notify() {
	close(g.changed)
	g.changed = make(chan struct{})
	if g.cycled {
		return
	}
	for _, id := range g.ids {
		if !g.held[id] || g.wanted[id] == 0 {
			return
		}
	}
	g.cycled = true
	close(g.cycle)
}

// heldCount counts the accounts held. Call it with g.mu held.
func (g *graph) heldCount() int {
	n := 0
	for _, h := range g.held {
		if h {
			n++
		}
	}
	return n
}

// await waits until cond, checked with g.mu held, is true, or stuckAfter.
func (g *graph) await(cond func() bool) bool {
	deadline := time.After(stuckAfter)
	for {
		g.mu.Lock()
		ok, changed := cond(), g.changed
		g.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-changed:
		case <-deadline:
			return false
		}
	}
}

// A watchedLock is a sync.Mutex that tells the graph what happens to it.
type watchedLock struct {
	g  *graph
	id int
	mu sync.Mutex
}

func (l *watchedLock) Lock() {
	g := l.g
	g.mu.Lock()
	g.wanted[l.id]++
	g.notify()
	g.mu.Unlock()

	l.mu.Lock()

	g.mu.Lock()
	g.wanted[l.id]--
	g.held[l.id] = true
	first := g.heldCount() == 1
	g.notify()
	g.mu.Unlock()

	// The gate. A lock taken while no other account is held is a transfer's
	// first: hold it until the other transfer has taken a lock too (the ABBA
	// shape), or waits for this one (the same first lock), or has returned.
	if first && !g.await(func() bool {
		return g.heldCount() >= 2 || g.wanted[l.id] > 0 || g.finished > 0
	}) {
		g.t.Errorf("holding account %d, waited %s for the other transfer to take a lock, ask for account %d or return, "+
			"and it did none: is a lock outside the accounts making the transfers take turns? Keep one lock per account",
			l.id, stuckAfter, l.id)
	}
}

func (l *watchedLock) Unlock() {
	l.checkTotal()
	l.g.mu.Lock()
	l.g.held[l.id] = false
	l.g.notify()
	l.g.mu.Unlock()
	l.mu.Unlock()
}

// checkTotal is the auditor. The transfer that calls Unlock still holds
// this account; if every other account is free, the auditor takes them all
// (TryLock, so it never waits) and adds the balances up. A transfer that
// holds both accounts while the money moves never lets it see a partial
// sum; one that takes the money out under one lock and puts it in under
// another does.
func (l *watchedLock) checkTotal() {
	var taken []*watchedLock
	defer func() {
		for _, o := range taken {
			o.mu.Unlock()
		}
	}()
	sum := int64(0)
	for _, a := range l.g.accounts {
		o := a.mu.(*watchedLock)
		if o != l {
			if !o.mu.TryLock() {
				return
			}
			taken = append(taken, o)
		}
		sum += a.balance
	}
	if sum != l.g.total {
		l.g.t.Errorf("between two transfers the accounts held %d in all, not %d: money was out of one account "+
			"and not yet in the other. Keep holding both accounts while the money moves", sum, l.g.total)
	}
}
