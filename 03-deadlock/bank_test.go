package main

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Transfers in both directions between the same accounts, from many
// goroutines at once: with the naive lock order this is the ABBA deadlock;
// with the global order by ID it always completes. Run under -race.
func TestTransferOrderedNeverDeadlocks(t *testing.T) {
	tests := []struct {
		name       string
		accounts   int
		goroutines int
		transfers  int
	}{
		{"two accounts, opposite directions", 2, 2, 20000},
		{"two accounts, many goroutines", 2, 8, 500},
		{"five accounts, random pairs", 5, 8, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			accounts := make([]*Account, tt.accounts)
			for i := range accounts {
				accounts[i] = NewAccount(i+1, 100)
			}
			// All goroutines start at once: on a loaded machine, one started
			// late could otherwise do its transfers after the others have
			// finished, and an ordering bug would go unseen.
			start := make(chan struct{})
			var wg sync.WaitGroup
			for g := range tt.goroutines {
				wg.Go(func() {
					<-start
					r := rand.New(rand.NewPCG(uint64(g), 1))
					for k := range tt.transfers {
						// Even goroutines go 1->2, odd ones 2->1: the ABBA pattern.
						from, to := accounts[g%2], accounts[(g+1)%2]
						if tt.accounts > 2 {
							i := r.IntN(tt.accounts)
							from, to = accounts[i], accounts[(i+1+r.IntN(tt.accounts-1))%tt.accounts]
						}
						assert.NoError(t, TransferOrdered(from, to, int64(k%7)))
					}
				})
			}
			close(start)
			wg.Wait()
			assert.Equal(t, int64(100*tt.accounts), Total(accounts), "money was made or lost")
		})
	}
}

func TestTransferOrderedMovesMoney(t *testing.T) {
	a, b := NewAccount(1, 100), NewAccount(2, 100)
	require.NoError(t, TransferOrdered(b, a, 30))
	assert.Equal(t, int64(130), a.Balance())
	assert.Equal(t, int64(70), b.Balance())
	assert.ErrorIs(t, TransferOrdered(a, a, 1), ErrSameAccount)
}
