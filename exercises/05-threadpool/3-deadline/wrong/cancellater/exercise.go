//go:build coach

// Wrong: leaves cancel to a goroutine that waits for the deadline, so the
// goroutine and the timer live on for d after the task has returned.
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
		go func() { <-ctx.Done(); cancel() }()
		return fn(ctx)
	})
}
