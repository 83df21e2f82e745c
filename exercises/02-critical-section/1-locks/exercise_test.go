//go:build coach

package locks

// Rejects:
//   - lockperop: a lock per kind of operation, not per account
//   - splitwithdraw: the check and the update in two critical sections
//   - unlockedbalance: Balance reads without the account's lock

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// One goroutine: the money goes where it should.
func TestOneAtATime(t *testing.T) {
	tests := []struct {
		name    string
		do      func(a *Accounts) error
		wantErr error
		want    []int64 // from {100, 50}
	}{
		{"deposit", func(a *Accounts) error { a.Deposit(1, 25); return nil }, nil, []int64{100, 75}},
		{"withdraw", func(a *Accounts) error { return a.Withdraw(0, 30) }, nil, []int64{70, 50}},
		{"withdraw everything", func(a *Accounts) error { return a.Withdraw(1, 50) }, nil, []int64{100, 0}},
		{"withdraw too much", func(a *Accounts) error { return a.Withdraw(1, 51) }, ErrInsufficientFunds, []int64{100, 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := New([]int64{100, 50})
			assert.ErrorIs(t, tt.do(a), tt.wantErr)
			assert.Equal(t, tt.want, balances(a, 2))
		})
	}
}

// stuckAfter bounds how long an operation waits, inside its critical
// section, for the other one to get into its own. A correct solution never
// comes near it: it fires only when the other operation cannot get in at
// all, so that a wrong answer fails instead of hanging.
const stuckAfter = 10 * time.Second

type op struct {
	name    string
	account int
	do      func(a *Accounts) error
}

func deposit(account int) op {
	return op{fmt.Sprintf("Deposit(%d, 5)", account), account, func(a *Accounts) error { a.Deposit(account, 5); return nil }}
}

func withdraw(account int) op {
	return op{fmt.Sprintf("Withdraw(%d, 10)", account), account, func(a *Accounts) error { return a.Withdraw(account, 10) }}
}

// Two operations on different accounts, each held inside its critical
// section (in between) until the other is inside its own too. With a lock
// per account both get in and both finish at once. With one lock for all,
// the first one in waits for a second that cannot get in: after stuckAfter
// it gives up, the test fails, and both finish.
func TestDifferentAccountsAtOnce(t *testing.T) {
	tests := []struct {
		name string
		ops  [2]op
		want []int64 // balances afterwards; every account starts with 100
	}{
		{"two withdrawals", [2]op{withdraw(0), withdraw(1)}, []int64{90, 90, 100, 100, 100, 100, 100, 100}},
		{"a deposit and a withdrawal", [2]op{deposit(7), withdraw(2)}, []int64{100, 100, 90, 100, 100, 100, 100, 105}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // when every case waits stuckAfter, wait once
			a := New(slices.Repeat([]int64{100}, 8))
			inside := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
			var calls [2]atomic.Int32
			a.pause = func(account int) {
				for k, o := range tt.ops {
					if account != o.account || calls[k].Add(1) != 1 {
						continue
					}
					close(inside[k])
					select {
					case <-inside[1-k]:
					case <-time.After(stuckAfter):
						t.Errorf("%s waited %s inside its critical section for %s to get into its own, and it never did: "+
							"operations on different accounts took turns. Is one lock guarding every account?",
							o.name, stuckAfter, tt.ops[1-k].name)
					}
				}
			}

			var wg sync.WaitGroup
			for _, o := range tt.ops {
				wg.Go(func() { assert.NoError(t, o.do(a), o.name) })
			}
			wg.Wait()

			for k, o := range tt.ops {
				assert.EqualValues(t, 1, calls[k].Load(),
					"%s must call a.between(%d) once, inside its critical section", o.name, o.account)
			}
			assert.Equal(t, tt.want, balances(a, 8))
		})
	}
}

// Many goroutines on few accounts, with nothing lining them up: every one
// deposits to and withdraws from every account, again and again. The race
// detector watches the balances; afterwards, each balance must be exactly
// what the successful operations say, and no read may ever see it below 0.
func TestSameAccountTakesTurns(t *testing.T) {
	for _, goroutines := range []int{2, 8} {
		t.Run(fmt.Sprint(goroutines, " goroutines"), func(t *testing.T) {
			const accounts, start, rounds = 3, 100, 200
			const in, out = 3, 10 // deposited and withdrawn each round
			a := New(slices.Repeat([]int64{start}, accounts))

			// Each goroutine counts its own successes in its own slot: a
			// shared counter would order the goroutines for the race
			// detector and hide the races it is here to find.
			succeeded := make([][]int64, goroutines)
			negative := make([]bool, goroutines)
			var wg sync.WaitGroup
			for g := range goroutines {
				wg.Go(func() {
					mine := make([]int64, accounts)
					for range rounds {
						for i := range accounts {
							a.Deposit(i, in)
							if a.Withdraw(i, out) == nil {
								mine[i]++
							}
							if a.Balance(i) < 0 {
								negative[g] = true
							}
						}
					}
					succeeded[g] = mine
				})
			}
			wg.Wait()

			assert.NotContains(t, negative, true, "a balance went below 0")
			for i := range accounts {
				var n int64
				for g := range goroutines {
					n += succeeded[g][i]
				}
				want := start + int64(goroutines*rounds*in) - n*out
				assert.Equal(t, want, a.Balance(i),
					"account %d: %d deposits of %d and %d withdrawals of %d from %d; an update was lost",
					i, goroutines*rounds, in, n, out, start)
			}
		})
	}
}

// Goroutines that take everything out of one account and put it back, over
// and over, all at once: whoever's withdrawal succeeds holds the money until
// it deposits it again, so the balance must never go below 0. A check and an
// update in two critical sections leave a moment between them in which
// another withdrawal passes the same check; the moment is short, so the test
// keeps trying for a while (1s: a right answer always takes that long, a
// wrong one has failed within a hundred thousand tries or so, on average).
func TestWithdrawChecksAndTakesInOneSection(t *testing.T) {
	const goroutines, amount = 4, 10
	a := New([]int64{amount})
	deadline := time.Now().Add(time.Second)
	var stop, overdrawn atomic.Bool
	var tries atomic.Int64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for !stop.Load() {
				if tries.Add(1)%1000 == 0 && time.Now().After(deadline) {
					stop.Store(true)
				}
				if a.Withdraw(0, amount) == nil {
					if a.Balance(0) < 0 {
						overdrawn.Store(true)
						stop.Store(true)
					}
					a.Deposit(0, amount)
				}
			}
		})
	}
	wg.Wait()
	if overdrawn.Load() {
		t.Errorf("two withdrawals of %d from an account holding %d both succeeded (after %d tries): "+
			"are Withdraw's check and its update in one critical section?", amount, amount, tries.Load())
	}
}

func balances(a *Accounts, n int) []int64 {
	var out []int64
	for i := range n {
		out = append(out, a.Balance(i))
	}
	return out
}
