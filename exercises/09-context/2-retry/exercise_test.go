//go:build coach

package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// Rejects:
//   - nojitter: waits exactly base·2^(k-1), so a herd of clients retries in lockstep
//   - sleep: waits with time.Sleep, so a cancel in the middle of a wait is not heard until the wait ends

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errBusy = errors.New("503 busy")

// Fifty clients fail at the same instant, each with its own seed. On
// synctest's clock their retry times are exact: each must fall inside its
// window, and they must not all be the same.
func TestAHerdSpreadsOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const clients, base = 50, 100 * time.Millisecond
		start := time.Now()
		var mu sync.Mutex
		calls := map[int][]time.Duration{} // client -> times of its calls
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() {
				rnd := rand.New(rand.NewPCG(uint64(c), 9))
				err := Retry(t.Context(), 3, base, rnd, func(context.Context) error {
					mu.Lock()
					calls[c] = append(calls[c], time.Since(start))
					mu.Unlock()
					return errBusy
				})
				assert.ErrorIs(t, err, errBusy, "after the last attempt, Retry returns op's error")
			})
		}
		wg.Wait()

		firstRetry := map[time.Duration]bool{}
		for c, at := range calls {
			require.Len(t, at, 3, "client %d: 3 attempts", c)
			firstRetry[at[1]] = true
		}
		require.Greater(t, len(firstRetry), clients/2,
			"every client retried at the same instant: without jitter, clients that failed together come back together")
		for c, at := range calls {
			require.Zero(t, at[0], "client %d: the first call is at once", c)
			require.True(t, at[1] < base, "client %d: first retry at %v, outside [0, %v)", c, at[1], base)
			require.True(t, at[2]-at[1] < 2*base, "client %d: second wait %v, outside [0, %v)", c, at[2]-at[1], 2*base)
		}
	})
}

// A caller that gives up in the middle of a long wait gets its answer at
// that instant, with the context's cause, and op is not called again.
func TestACancelEndsTheWait(t *testing.T) {
	for seed := range uint64(20) { // a different wait each time; none may be slept through
		synctest.Test(t, func(t *testing.T) {
			cause := errors.New("caller gave up")
			ctx, cancel := context.WithTimeoutCause(t.Context(), 50*time.Millisecond, cause)
			defer cancel()
			calls := 0
			start := time.Now()
			err := Retry(ctx, 5, time.Hour, rand.New(rand.NewPCG(seed, 1)), func(context.Context) error {
				calls++
				return errBusy
			})
			assert.ErrorIs(t, err, cause, "Retry returns context.Cause(ctx)")
			assert.Equal(t, 50*time.Millisecond, time.Since(start), "Retry must return as soon as the context ends, not when its wait is over")
			assert.Equal(t, 1, calls, "op is not called after the context ended")
		})
	}
}

func TestSuccessStopsRetrying(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fails := 2
		calls := 0
		err := Retry(t.Context(), 10, time.Millisecond, rand.New(rand.NewPCG(1, 1)), func(context.Context) error {
			calls++
			if fails > 0 {
				fails--
				return errBusy
			}
			return nil
		})
		assert.NoError(t, err)
		assert.Equal(t, 3, calls)
	})
}
