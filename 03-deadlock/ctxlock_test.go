package main

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var lockKinds = []struct {
	name string
	make func() CtxLocker
}{
	{"channel", func() CtxLocker { return NewChanMutex() }},
	{"x/sync/semaphore", func() CtxLocker { return NewSemMutex() }},
}

// The ABBA deadlock again, with both transfers holding their first vault
// before either asks for the second. Every wait is bounded: the transfer
// with the shorter deadline gives up and lets go, and the other completes.
// In the bubble the deadlines fire at exact fake times.
func TestTimeoutTurnsDeadlockIntoError(t *testing.T) {
	for _, kind := range lockKinds {
		t.Run(kind.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				a, b := NewVault(1, 100, kind.make()), NewVault(2, 100, kind.make())
				errs, elapsed := abbaWithTimeouts(a, b, 50*time.Millisecond, time.Second)
				require.ErrorIs(t, errs[0], context.DeadlineExceeded)
				assert.EqualError(t, errs[0], "transfer 1->2: holding 1, lock 2: context deadline exceeded")
				assert.NoError(t, errs[1])
				assert.Equal(t, [2]time.Duration{50 * time.Millisecond, 50 * time.Millisecond}, elapsed,
					"1->2 gives up at its deadline, and 2->1 gets vault 1 that very moment")
				ctx := t.Context()
				ba, err := a.Balance(ctx)
				require.NoError(t, err)
				bb, err := b.Balance(ctx)
				require.NoError(t, err)
				assert.Equal(t, [2]int64{110, 90}, [2]int64{ba, bb}, "only 2->1 (10) went through")
			})
		})
	}
}

// Many goroutines, opposite directions, real clock, under -race: with a
// short timeout per try and a retry, every transfer completes and money is
// conserved.
func TestTransferWithinRetriesUnderLoad(t *testing.T) {
	for _, kind := range lockKinds {
		t.Run(kind.name, func(t *testing.T) {
			vaults := []*Vault{NewVault(1, 1000, kind.make()), NewVault(2, 1000, kind.make())}
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					for k := range 100 {
						from, to := vaults[g%2], vaults[(g+1)%2]
						assert.NoError(t, TransferRetry(t.Context(), from, to, int64(k%5), time.Millisecond, 10_000))
					}
				})
			}
			wg.Wait()
			var sum int64
			for _, v := range vaults {
				n, err := v.Balance(t.Context())
				require.NoError(t, err)
				sum += n
			}
			assert.Equal(t, int64(2000), sum)
		})
	}
}

func TestTransferRetryGivesUpWithParent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := NewVault(1, 100, NewChanMutex()), NewVault(2, 100, NewChanMutex())
		require.NoError(t, b.lock.Lock(t.Context())) // someone holds b and never lets go
		defer b.lock.Unlock()
		start := time.Now()
		ctx, cancel := context.WithTimeout(t.Context(), 35*time.Millisecond)
		defer cancel()
		err := TransferRetry(ctx, a, b, 1, 10*time.Millisecond, 100)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 35*time.Millisecond, time.Since(start), "gave up when the parent's deadline passed")
	})
}

func TestChanMutexUnlockOfUnlockedPanics(t *testing.T) {
	assert.PanicsWithValue(t, "ChanMutex: unlock of unlocked mutex", func() { NewChanMutex().Unlock() })
}

func TestTransferWithinSameVault(t *testing.T) {
	v := NewVault(1, 1, NewChanMutex())
	assert.ErrorIs(t, TransferWithin(t.Context(), v, v, 1), ErrSameAccount)
}
