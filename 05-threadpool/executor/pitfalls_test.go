package executor

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Nested submit: every worker runs a parent that waits for a child queued
// behind it. synctest.Wait returns once every goroutine in the bubble is
// durably blocked, which is exactly the deadlock, found without a timeout.
// (A bubble left deadlocked would fail the test, so the parents wait with
// a context that the test cancels once it has seen the deadlock; the
// program in ../nested shows the runtime's own report.)
func TestNestedSubmitDeadlockIsDeterministic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const workers = 2
		e := New(Config{Workers: workers})
		parentCtx, unstick := context.WithCancel(t.Context())
		var parents, children []*Future[int]
		var mu sync.Mutex
		var running sync.WaitGroup // every parent holds a worker before any child is queued
		running.Add(workers)
		for p := range workers {
			f, err := Submit(e, func(context.Context) (int, error) {
				running.Done()
				running.Wait()
				child, err := Submit(e, value(p))
				if err != nil {
					return 0, err
				}
				mu.Lock()
				children = append(children, child)
				mu.Unlock()
				return child.Wait(parentCtx)
			})
			require.NoError(t, err)
			parents = append(parents, f)
		}
		synctest.Wait() // everyone is stuck: that is the deadlock
		m := e.Metrics()
		assert.Equal(t, workers, m.Active, "every worker is busy waiting")
		assert.Equal(t, workers, m.Queued, "and the children wait for a worker")
		for _, f := range parents {
			assert.Equal(t, Running, f.State())
		}
		for _, c := range children {
			assert.Equal(t, Pending, c.State(), "no child ever started")
		}

		unstick()
		for _, f := range parents {
			_, err := f.Wait(t.Context())
			assert.ErrorIs(t, err, context.Canceled)
		}
		require.NoError(t, e.Shutdown(t.Context()))
	})
}

// The fixes: children on a pool of their own; or a parent that returns its
// children's futures instead of waiting inside a worker (here: the caller
// waits); or run the child inline. The first two are shown.
func TestNestedSubmitFixes(t *testing.T) {
	t.Run("separate pool for children", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			parents, kids := New(Config{Workers: 2}), New(Config{Workers: 2})
			var fs []*Future[int]
			for p := range 4 {
				f, err := Submit(parents, func(ctx context.Context) (int, error) {
					child, err := Submit(kids, value(p))
					if err != nil {
						return 0, err
					}
					return child.Wait(ctx)
				})
				require.NoError(t, err)
				fs = append(fs, f)
			}
			for p, f := range fs {
				v, err := f.Wait(t.Context())
				require.NoError(t, err)
				assert.Equal(t, p, v)
			}
			require.NoError(t, parents.Shutdown(t.Context()))
			require.NoError(t, kids.Shutdown(t.Context()))
		})
	})
	t.Run("no waiting inside a task", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			e := New(Config{Workers: 2})
			var fs []*Future[*Future[int]]
			for p := range 4 {
				// The parent hands back its child's future; the caller, not a
				// worker, does the waiting.
				f, err := Submit(e, func(context.Context) (*Future[int], error) { return Submit(e, value(p)) })
				require.NoError(t, err)
				fs = append(fs, f)
			}
			for p, f := range fs {
				child, err := f.Wait(t.Context())
				require.NoError(t, err)
				v, err := child.Wait(t.Context())
				require.NoError(t, err)
				assert.Equal(t, p, v)
			}
			require.NoError(t, e.Shutdown(t.Context()))
		})
	})
}

// Cancellation is cooperative: ShutdownNow cancels the tasks' context, and
// only a task that looks at it stops. The other runs to its end.
func TestCancellationIsCooperative(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := New(Config{Workers: 2})
		polite, err := Submit(e, func(ctx context.Context) (string, error) {
			select {
			case <-time.After(time.Hour):
				return "finished", nil
			case <-ctx.Done():
				return "stopped", context.Cause(ctx)
			}
		})
		require.NoError(t, err)
		stubborn, err := Submit(e, func(context.Context) (string, error) {
			time.Sleep(time.Hour) // never looks at its context
			return "finished", nil
		})
		require.NoError(t, err)
		synctest.Wait()
		start := time.Now()
		assert.Empty(t, e.ShutdownNow(), "nothing was waiting in the queue")

		v, err := polite.Wait(t.Context())
		assert.Equal(t, "stopped", v)
		assert.ErrorIs(t, err, ErrShutdown)
		assert.Zero(t, time.Since(start), "the polite task stopped at once")

		synctest.Wait()
		assert.Equal(t, Running, stubborn.State(), "the stubborn task is still running after ShutdownNow")
		v, err = stubborn.Wait(t.Context())
		assert.Equal(t, "finished", v)
		assert.NoError(t, err)
		assert.Equal(t, time.Hour, time.Since(start), "it ran its full hour")
		require.NoError(t, e.Shutdown(t.Context()))
	})
}

// A bounded queue is a promise: however fast the submitters, no more than
// QueueSize tasks ever wait. With Block they wait instead; with Reject they
// are told. (The unbounded alternative, a goroutine per task, is measured
// in the chapter's step 1.)
func TestTheQueueNeverExceedsItsBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const size = 5
		e := New(Config{Workers: 2, QueueSize: size, Policy: Block})
		var wg sync.WaitGroup
		peak := 0
		var mu sync.Mutex
		for range 4 {
			wg.Go(func() {
				for range 50 {
					f, err := Submit(e, func(context.Context) (int, error) {
						time.Sleep(time.Millisecond)
						return 0, nil
					})
					if !assert.NoError(t, err) {
						return
					}
					mu.Lock()
					peak = max(peak, e.Metrics().Queued)
					mu.Unlock()
					_ = f
				}
			})
		}
		wg.Wait()
		require.NoError(t, e.Shutdown(t.Context()))
		m := e.Metrics()
		assert.Equal(t, int64(200), m.Completed, "Block lost nothing")
		assert.LessOrEqual(t, peak, size)
		assert.Equal(t, size, peak, "and the queue did fill up")
	})
}

// Lost errors and swallowed panics: an error or a panic lives in its
// Future, so a caller who never waits never sees it. The executor still
// counts panics, so a dashboard can.
func TestAnUnwaitedPanicIsStillCounted(t *testing.T) {
	e := New(Config{Workers: 1})
	_, err := Submit(e, panicky) // the Future is dropped on the floor
	require.NoError(t, err)
	require.NoError(t, e.Shutdown(t.Context()))
	assert.Equal(t, int64(1), e.Metrics().Panicked)
}
