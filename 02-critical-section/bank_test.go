package main

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBanksKeepInvariants is the shared harness: every implementation, the
// same heavy concurrent load, the same invariants. Small balances and large
// amounts make many transfers fail for lack of funds, which is exactly when
// a bank without a proper critical section would let a balance go negative.
func TestBanksKeepInvariants(t *testing.T) {
	loads := []struct {
		name     string
		accounts int
		each     int64
		cfg      StressConfig
	}{
		{"two accounts, many workers", 2, 50,
			StressConfig{Workers: 4 * runtime.GOMAXPROCS(0), Transfers: 500, MaxAmount: 40, Readers: 2, MaxReads: 5000, Seed: 1}},
		{"ten accounts, mostly refused", 10, 10,
			StressConfig{Workers: 8, Transfers: 1000, MaxAmount: 30, Readers: 2, MaxReads: 5000, Seed: 2}},
		{"many accounts, rich", 64, 1_000_000,
			StressConfig{Workers: 8, Transfers: 1000, MaxAmount: 1000, Readers: 1, MaxReads: 2000, Seed: 3}},
	}
	for _, impl := range Implementations {
		t.Run(impl.Name, func(t *testing.T) {
			for _, load := range loads {
				t.Run(load.name, func(t *testing.T) {
					initial := equalBalances(load.accounts, load.each)
					b := impl.New(initial)
					defer b.Close()
					rep := Stress(b, initial, load.cfg)

					assert.Empty(t, Violations(rep))
					attempted := load.cfg.Workers * load.cfg.Transfers
					assert.Equal(t, attempted, len(rep.Moves)+rep.Refused, "every transfer either happened or was refused")
					assert.Positive(t, len(rep.Moves), "the load should move some money")
					if impl.Snapshot {
						assert.Zero(t, rep.Torn, "a locked bank's Total is a snapshot: %d of %d reads were torn", rep.Torn, rep.Reads)
					} else {
						t.Logf("%d of %d totals read mid-run were torn (allowed for %s)", rep.Torn, rep.Reads, impl.Name)
					}
				})
			}
		})
	}
}

// The checker is only worth something if it can fail: feed it books that
// are wrong in each way it promises to notice.
func TestViolationsCatchBrokenBooks(t *testing.T) {
	good := StressReport{
		Initial: []int64{10, 10},
		Final:   []int64{15, 5},
		Moves:   []Move{{0, 1, 5}, {1, 0, 10}},
		Counted: 2,
		Total:   20,
	}
	require.Empty(t, Violations(good))
	tests := []struct {
		name   string
		mutate func(*StressReport)
		want   string
	}{
		{"money created", func(r *StressReport) { r.Final = []int64{16, 5} }, "money not conserved"},
		{"total wrong", func(r *StressReport) { r.Total = 19 }, "Total() = 19"},
		{"transfer lost", func(r *StressReport) { r.Moves = r.Moves[:1] }, "transfer lost: account 0"},
		{"count lost", func(r *StressReport) { r.Counted = 1 }, "bank counted 1 transfers, workers saw 2"},
		{"negative at end", func(r *StressReport) {
			r.Final = []int64{25, -5}
			r.Moves = append(r.Moves, Move{1, 0, 10})
			r.Counted = 3
		}, "negative balance: account 1 holds -5"},
		{"negative seen", func(r *StressReport) { r.Negatives = 3 }, "seen 3 times"},
		{"odd error", func(r *StressReport) { r.Errors = []error{errors.New("boom")} }, "unexpected error: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			r.Final = append([]int64(nil), good.Final...)
			r.Moves = append([]Move(nil), good.Moves...)
			tt.mutate(&r)
			v := Violations(r)
			require.NotEmpty(t, v)
			assert.Contains(t, fmt.Sprint(v), tt.want)
		})
	}
}

func TestTransferRefuses(t *testing.T) {
	tests := []struct {
		name         string
		from, to     int
		amount       int64
		wantErr      error
		want0, want1 int64
		wantCount    int64
	}{
		{"ok", 0, 1, 30, nil, 70, 30, 1},
		{"all of it", 0, 1, 100, nil, 0, 100, 1},
		{"too much", 0, 1, 101, ErrInsufficientFunds, 100, 0, 0},
		{"from an empty account", 1, 0, 1, ErrInsufficientFunds, 100, 0, 0},
		{"zero", 0, 1, 0, ErrInvalid, 100, 0, 0},
		{"negative", 0, 1, -5, ErrInvalid, 100, 0, 0},
		{"to itself", 0, 0, 5, ErrInvalid, 100, 0, 0},
		{"no such source", 7, 0, 5, ErrInvalid, 100, 0, 0},
		{"no such target", 0, -1, 5, ErrInvalid, 100, 0, 0},
	}
	for _, impl := range Implementations {
		t.Run(impl.Name, func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					b := impl.New([]int64{100, 0})
					defer b.Close()
					err := b.Transfer(tt.from, tt.to, tt.amount)
					if tt.wantErr == nil {
						assert.NoError(t, err)
					} else {
						assert.ErrorIs(t, err, tt.wantErr)
					}
					assert.Equal(t, tt.want0, b.Balance(0))
					assert.Equal(t, tt.want1, b.Balance(1))
					assert.Equal(t, int64(100), b.Total())
					assert.Equal(t, tt.wantCount, b.Transfers())
					assert.Zero(t, b.Balance(2), "an unknown account holds nothing")
				})
			}
		})
	}
}

// After Close, the monitor's goroutine is gone (goleak checks that) and calls
// fail instead of blocking forever.
func TestMonitorAfterClose(t *testing.T) {
	b := NewMonitorBank([]int64{5, 5})
	b.Close()
	assert.ErrorIs(t, b.Transfer(0, 1, 1), errClosed)
	assert.Zero(t, b.Total())
}

func ExampleMutexBank() {
	b := NewMutexBank([]int64{100, 20})
	fmt.Println(b.Transfer(0, 1, 30))
	fmt.Println(b.Transfer(1, 0, 80))
	fmt.Println(b.Balance(0), b.Balance(1), b.Total(), b.Transfers())
	// Output:
	// <nil>
	// insufficient funds
	// 70 50 120 1
}

func ExampleAtomicBank() {
	b := NewAtomicBank([]int64{10, 0})
	for range 3 {
		fmt.Println(b.Transfer(0, 1, 4))
	}
	fmt.Println(b.Balance(0), b.Balance(1))
	// Output:
	// <nil>
	// <nil>
	// insufficient funds
	// 2 8
}
