//go:build coach

// Wrong: starts the clock inside the task, but from context.Background, so
// ShutdownNow, which cancels the executor's context, cannot stop the task.
package deadline

import (
	"context"
	"time"

	"github.com/gocourse/concurrency/05-threadpool/executor"
)

// SubmitTimeout submits fn to e. fn's context ends d after fn starts, or
// when ShutdownNow cancels the executor's tasks, whichever is first.
func SubmitTimeout[T any](e *executor.Executor, d time.Duration, fn func(context.Context) (T, error)) (*executor.Future[T], error) {
	return executor.Submit(e, func(context.Context) (T, error) {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		return fn(ctx)
	})
}
