package herd

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPoliciesStayInBounds(t *testing.T) {
	const base, most = 10 * time.Millisecond, time.Second
	rnd := rand.New(rand.NewPCG(1, 2))
	for attempt := 1; attempt <= 20; attempt++ {
		e := exp(attempt, base, most)
		assert.Equal(t, e, Exponential(base, most)(attempt, rnd))
		for range 100 {
			f := FullJitter(base, most)(attempt, rnd)
			assert.True(t, f >= 0 && f < e, "full jitter %v outside [0, %v)", f, e)
			q := EqualJitter(base, most)(attempt, rnd)
			assert.True(t, q >= e/2 && q <= e, "equal jitter %v outside [%v, %v]", q, e/2, e)
		}
	}
	assert.Equal(t, base, exp(1, base, most))
	assert.Equal(t, 8*base, exp(4, base, most))
	assert.Equal(t, most, exp(60, base, most), "capped, and no overflow")
}

// Retry's waits are exactly the policy's, on synctest's clock.
func TestRetryWaitsThePolicy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var at []time.Duration
		start := time.Now()
		err := Retry(t.Context(), 4, Exponential(10*time.Millisecond, time.Second), nil, func(context.Context) error {
			at = append(at, time.Since(start))
			return errors.New("503")
		})
		assert.ErrorIs(t, err, ErrGaveUp)
		assert.ErrorContains(t, err, "gave up after 4 attempts: 503")
		assert.Equal(t, []time.Duration{0, 10 * time.Millisecond, 30 * time.Millisecond, 70 * time.Millisecond}, at)
	})
}

// A context that ends in the middle of a wait ends Retry at that instant,
// with the context's cause, and op is not called again.
func TestRetryStopsMidWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cause := errors.New("caller gave up")
		ctx, cancel := context.WithTimeoutCause(t.Context(), 150*time.Millisecond, cause)
		defer cancel()
		calls := 0
		start := time.Now()
		err := Retry(ctx, 10, Exponential(100*time.Millisecond, time.Second), nil, func(context.Context) error {
			calls++
			return errors.New("503")
		})
		assert.ErrorIs(t, err, cause)
		assert.Equal(t, 150*time.Millisecond, time.Since(start))
		assert.Equal(t, 2, calls, "at 0 and at 100ms; the next would be at 300ms")
	})
}

func TestRetrySucceeds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fails := 3
		err := Retry(t.Context(), 5, FullJitter(time.Millisecond, time.Second), rand.New(rand.NewPCG(3, 4)), func(context.Context) error {
			if fails > 0 {
				fails--
				return errors.New("503")
			}
			return nil
		})
		require.NoError(t, err)
		assert.Zero(t, fails)
	})
}

// With no jitter the herd comes back whole, wave after wave; with jitter it
// drains much sooner with fewer rejections. The numbers are the lesson's.
func TestSimulateTheHerd(t *testing.T) {
	const base, most = 10 * time.Millisecond, time.Second
	none := Simulate(100, 10, 10*time.Millisecond, Exponential(base, most), 1)
	assert.Equal(t, 3270*time.Millisecond, none.Drain)
	assert.Equal(t, 450, none.Rejected)
	assert.Len(t, none.Waves, 10)
	for i, w := range none.Waves {
		assert.Equal(t, 100-10*i, w.Arrived, "wave %d is every client still waiting", i)
	}
	for _, p := range []Policy{FullJitter(base, most), EqualJitter(base, most)} {
		r := Simulate(100, 10, 10*time.Millisecond, p, 1)
		assert.Less(t, r.Drain, none.Drain/5)
		assert.Less(t, r.Rejected, none.Rejected)
		assert.Equal(t, r, Simulate(100, 10, 10*time.Millisecond, p, 1), "deterministic")
	}
}
