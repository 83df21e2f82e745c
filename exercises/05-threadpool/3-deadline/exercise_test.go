//go:build coach

package deadline

// Rejects:
//   - background: a timeout from context.Background, out of ShutdownNow's reach
//   - cancellater: cancels only when the deadline has passed
//   - deadlineatsubmit: the deadline is fixed when the task is queued

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/05-threadpool/executor"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// work stands for a task that takes d and watches its context: it returns
// its result after d, or ctx's error as soon as ctx ends.
func work(d time.Duration, result int) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		select {
		case <-time.After(d):
			return result, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// newExecutor starts a one-worker executor that is shut down, and waited
// for, before the test's bubble ends.
func newExecutor(t *testing.T) *executor.Executor {
	e := executor.New(executor.Config{Workers: 1})
	t.Cleanup(func() { assert.NoError(t, e.Shutdown(context.Background())) })
	return e
}

// Every test runs in a synctest bubble, where time is fake: durations are
// exact, and an hour passes at once when every goroutine is waiting.
func TestTheTaskGetsDToRun(t *testing.T) {
	const d = time.Second
	tests := []struct {
		name    string
		task    func(context.Context) (int, error)
		want    int
		wantErr error
		took    time.Duration
	}{
		{"done in time", work(d/2, 1), 1, nil, d / 2},
		{"too slow, watches its context", work(2*d, 1), 0, context.DeadlineExceeded, d},
		{"too slow, ignores its context", func(context.Context) (int, error) {
			time.Sleep(2 * d) // a deadline cannot stop a task that does not look
			return 1, nil
		}, 1, nil, 2 * d},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newExecutor(t)
				start := time.Now()
				var seen context.Context // the context fn was given
				f, err := SubmitTimeout(e, d, func(ctx context.Context) (int, error) {
					seen = ctx
					return tt.task(ctx)
				})
				require.NoError(t, err)
				got, err := f.Wait(context.Background())
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, tt.want, got)
				assert.Equal(t, tt.took, time.Since(start))
				assert.Error(t, seen.Err(), "once fn has returned, its context must be cancelled (defer cancel()), "+
					"or its timer and everything waiting on it live on until the deadline")
			})
		})
	}
}

// The only worker is busy for 5s, so the task waits 5s in the queue before
// it starts. It needs half of its 1s, and must get it.
func TestTheClockStartsWhenTheTaskStarts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newExecutor(t)
		start := time.Now()
		_, err := executor.Submit(e, work(5*time.Second, 0))
		require.NoError(t, err)
		f, err := SubmitTimeout(e, time.Second, work(500*time.Millisecond, 7))
		require.NoError(t, err)

		got, err := f.Wait(context.Background())
		assert.NoError(t, err, "time in the queue must not count against the task's deadline")
		assert.Equal(t, 7, got)
		assert.Equal(t, 5500*time.Millisecond, time.Since(start), "5s in the queue, then 500ms of work")
	})
}

// ShutdownNow cancels the context the executor gave its running tasks. A
// task with an hour to run must stop at once, and context.Cause must say
// why.
func TestShutdownNowStopsTheTask(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newExecutor(t)
		start := time.Now()
		f, err := SubmitTimeout(e, time.Hour, func(ctx context.Context) (int, error) {
			<-ctx.Done()
			return 0, context.Cause(ctx)
		})
		require.NoError(t, err)
		synctest.Wait() // the task is running, waiting on its context

		e.ShutdownNow()
		_, err = f.Wait(context.Background())
		assert.ErrorIs(t, err, executor.ErrShutdown,
			"ShutdownNow must stop the task: its context must come from the executor's")
		assert.Zero(t, time.Since(start), "the task must stop at once, not when its hour is up")
	})
}
