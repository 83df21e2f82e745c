package main

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var lockstep = Politeness{Hold: time.Millisecond, Backoff: time.Millisecond, MaxAttempts: 50}

// Inside a bubble both transfers start at the same instant and the fake
// clock is exact, so without jitter they stay in step for ever: each holds
// its first account whenever the other tries it. That is a livelock: both
// keep running, neither gets anywhere, and only MaxAttempts stops them.
func TestLivelockWithoutJitter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := NewAccount(1, 100), NewAccount(2, 100)
		start := time.Now()
		r := Livelock(a, b, lockstep, [2]func() time.Duration{nil, nil})
		assert.Equal(t, [2]int{50, 50}, r.Attempts)
		assert.ErrorIs(t, r.Errs[0], ErrGaveUp)
		assert.ErrorIs(t, r.Errs[1], ErrGaveUp)
		// Each attempt: hold, try, hold, let go, back off: 3ms of fake time.
		assert.Equal(t, 150*time.Millisecond, time.Since(start))
		assert.Equal(t, int64(200), a.Balance()+b.Balance())
	})
}

// With a random pause added to the backoff the two fall out of step and
// both get through, for every seed we try. The fake clock makes each seed's
// outcome exact.
func TestJitterBreaksTheLivelock(t *testing.T) {
	for seed := range uint64(50) {
		synctest.Test(t, func(t *testing.T) {
			a, b := NewAccount(1, 100), NewAccount(2, 100)
			r := Livelock(a, b, lockstep, [2]func() time.Duration{
				UniformJitter(2*seed, 4*time.Millisecond),
				UniformJitter(2*seed+1, 4*time.Millisecond),
			})
			require.NoError(t, r.Errs[0], "seed %d: a->b", seed)
			require.NoError(t, r.Errs[1], "seed %d: b->a", seed)
			assert.Less(t, r.Attempts[0]+r.Attempts[1], 20, "seed %d", seed)
			assert.Equal(t, int64(100), a.Balance(), "one unit each way")
			assert.Equal(t, int64(100), b.Balance())
		})
	}
}

// Real goroutines, real clock, many opposite transfers under -race: the
// jittered polite transfer always completes, and money is conserved.
func TestTransferPoliteUnderLoad(t *testing.T) {
	accounts := []*Account{NewAccount(1, 1000), NewAccount(2, 1000), NewAccount(3, 1000)}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			p := Politeness{Backoff: time.Microsecond, Jitter: UniformJitter(uint64(g), 50*time.Microsecond), MaxAttempts: 100_000}
			for k := range 200 {
				from, to := accounts[(g+k)%3], accounts[(g+k+1+g%2)%3]
				_, err := TransferPolite(from, to, 1, p)
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int64(3000), Total(accounts))
}

func TestTransferPoliteSameAccount(t *testing.T) {
	a := NewAccount(1, 1)
	_, err := TransferPolite(a, a, 1, Politeness{})
	assert.ErrorIs(t, err, ErrSameAccount)
}
