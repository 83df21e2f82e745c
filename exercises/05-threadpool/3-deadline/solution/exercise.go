//go:build coach

// Exercise 05.3, solved: the timeout is derived inside the task, from the
// context the executor passes it. Inside, because that is when the task
// starts, so time spent in the queue does not count; from the executor's
// context, because a derived context ends when its parent does, so
// ShutdownNow still reaches the task, and context.Cause still says why
// (executor.ErrShutdown). The deferred cancel frees the timer as soon as fn
// returns, instead of leaving it to fire d later.
package deadline

import (
	"context"
	"time"

	"github.com/gocourse/concurrency/05-threadpool/executor"
)

// SubmitTimeout submits fn to e. fn's context ends d after fn starts, or
// when ShutdownNow cancels the executor's tasks, whichever is first.
func SubmitTimeout[T any](e *executor.Executor, d time.Duration, fn func(context.Context) (T, error)) (*executor.Future[T], error) {
	return executor.Submit(e, func(ctx context.Context) (T, error) {
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return fn(ctx)
	})
}
