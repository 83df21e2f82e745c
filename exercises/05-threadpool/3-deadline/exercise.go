//go:build coach

// Exercise 05.3: a deadline that starts with the task.
//
// SubmitTimeout submits fn to the chapter's executor and gives it d to run:
// fn's context ends d after fn starts, and a task that watches its context
// then returns context.DeadlineExceeded. This version makes the context in
// SubmitTimeout, at submission, from context.Background. That loses twice:
//   - the clock starts when the task is queued, so a task that waited in
//     the queue for longer than d starts with its time already up;
//   - the context the executor gives the task is thrown away, so
//     ShutdownNow, which cancels that context, cannot stop the task.
//
// TODO: give fn a context that ends d after fn starts and also ends when
// ShutdownNow cancels the task's context.
package deadline

import (
	"context"
	"time"

	"github.com/gocourse/concurrency/05-threadpool/executor"
)

// SubmitTimeout submits fn to e. fn's context ends d after fn starts, or
// when ShutdownNow cancels the executor's tasks, whichever is first.
func SubmitTimeout[T any](e *executor.Executor, d time.Duration, fn func(context.Context) (T, error)) (*executor.Future[T], error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	return executor.Submit(e, func(context.Context) (T, error) {
		defer cancel()
		return fn(ctx)
	})
}
