//go:build coach

package stuck

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// Rejects:
//   - buffered: a results buffer of 8 only postpones the hang to the ninth result
//   - serial: one item at a time: the barrier of `workers` calls at once never fills
//   - earlyreturn: returns at the first error and leaves the other workers blocked

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Every test runs inside a synctest bubble. When every goroutine in it is
// blocked on a channel, a WaitGroup or a select with nothing left to wake
// them, synctest fails the test at once with "deadlock" and the stacks of
// the blocked goroutines: the goroutine dump of section 3, taken for you.
// And synctest.Test returns only once every goroutine started inside has
// ended, so a goroutine left blocked fails it too.

// barrier makes the first n calls of f wait until n calls are inside f at
// once, proving the work runs concurrently.
func barrier(n int) func() {
	var mu sync.Mutex
	inside := 0
	full := make(chan struct{})
	return func() {
		mu.Lock()
		inside++
		if inside == n {
			close(full)
		}
		mu.Unlock()
		<-full
	}
}

func TestMapsEveryItem(t *testing.T) {
	for _, tt := range []struct{ workers, items int }{{1, 0}, {1, 1}, {3, 3}, {4, 50}, {2, 200}} {
		synctest.Test(t, func(t *testing.T) {
			wait := barrier(min(tt.workers, tt.items))
			items := make([]int, tt.items)
			for i := range items {
				items[i] = i
			}
			got, err := Map(t.Context(), tt.workers, items, func(_ context.Context, x int) (int, error) {
				wait()
				return x * x, nil
			})
			require.NoError(t, err, "%d workers, %d items", tt.workers, tt.items)
			require.Len(t, got, tt.items)
			for i, v := range got {
				assert.Equal(t, i*i, v, "item %d", i)
			}
		})
	}
}

var errBad = errors.New("bad item")

// At the first error Map returns it, and every worker ends: nothing is left
// blocked in a send that nobody will receive.
func TestStopsAtTheFirstError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		items := make([]int, 100)
		for i := range items {
			items[i] = i
		}
		got, err := Map(t.Context(), 4, items, func(_ context.Context, x int) (int, error) {
			if x == 10 {
				return 0, errBad
			}
			return x, nil
		})
		assert.ErrorIs(t, err, errBad)
		assert.Nil(t, got)
	})
}

// Cancelling ctx stops Map, even while every worker is inside f, and every
// worker ends.
func TestStopsWhenCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		items := make([]int, 20)
		started := make(chan struct{}, len(items))
		errc := make(chan error, 1)
		go func() {
			_, err := Map(ctx, 2, items, func(ctx context.Context, x int) (int, error) {
				started <- struct{}{}
				<-ctx.Done()
				return 0, ctx.Err()
			})
			errc <- err
		}()
		<-started
		<-started
		cancel()
		assert.ErrorIs(t, <-errc, context.Canceled)
	})
}
