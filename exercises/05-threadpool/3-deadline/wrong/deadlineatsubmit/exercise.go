//go:build coach

// Wrong: derives from the executor's context, but fixes the deadline at
// submission, so time in the queue still counts against the task.
package deadline

import (
	"context"
	"time"

	"github.com/gocourse/concurrency/05-threadpool/executor"
)

// SubmitTimeout submits fn to e. fn's context ends d after fn starts, or
// when ShutdownNow cancels the executor's tasks, whichever is first.
func SubmitTimeout[T any](e *executor.Executor, d time.Duration, fn func(context.Context) (T, error)) (*executor.Future[T], error) {
	deadline := time.Now().Add(d)
	return executor.Submit(e, func(ctx context.Context) (T, error) {
		ctx, cancel := context.WithDeadline(ctx, deadline)
		defer cancel()
		return fn(ctx)
	})
}
