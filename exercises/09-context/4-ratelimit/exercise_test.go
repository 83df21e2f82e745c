//go:build coach

package ratelimit

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/time/rate"
)

// Rejects:
//   - sleep: sleeps 1/rate before each call, so the burst is never used and a cancel waits for the sleep
//   - noctx: waits on the limiter with its own context, so the caller's cancel is not heard while blocked

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// record calls CallAll and returns when each call was made, on synctest's
// clock, from the start.
func record(ctx context.Context, lim *rate.Limiter, n int) ([]time.Duration, error) {
	start := time.Now()
	var at []time.Duration
	err := CallAll(ctx, lim, n, func(i int) { at = append(at, time.Since(start)) })
	return at, err
}

// 10 a second with a burst of 3: three calls at once, then one every 100ms.
func TestBurstThenRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		at, err := record(t.Context(), rate.NewLimiter(10, 3), 6)
		require.NoError(t, err)
		ms := time.Millisecond
		require.Len(t, at, 6)
		for i, want := range []time.Duration{0, 0, 0} {
			assert.Equal(t, want, at[i], "the burst must go at once: call %d was at %v", i, at[i])
		}
		assert.Equal(t, []time.Duration{100 * ms, 200 * ms, 300 * ms}, at[3:], "after the burst, one call every 100ms")
	})
}

// Unlimited calls: the shipped version. Ten calls against a burst of 2 must
// not all go at once.
func TestTheLimitHolds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		at, err := record(t.Context(), rate.NewLimiter(100, 2), 10)
		require.NoError(t, err)
		require.Len(t, at, 10)
		assert.Equal(t, 80*time.Millisecond, at[9], "at most the burst may go at once, then 100 a second: %v", at)
	})
}

// The caller cancels at 150ms, while CallAll waits for the token due at
// 200ms: CallAll returns at 150ms with context.Canceled, after 4 calls.
func TestACancelWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		time.AfterFunc(150*time.Millisecond, cancel)
		start := time.Now()
		at, err := record(ctx, rate.NewLimiter(10, 3), 10)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 150*time.Millisecond, time.Since(start), "CallAll must return as soon as the context ends, not when the next token comes")
		assert.Len(t, at, 4, "calls at 0, 0, 0 and 100ms; none after the cancel")
	})
}
