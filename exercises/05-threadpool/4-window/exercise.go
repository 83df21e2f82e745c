//go:build coach

// Exercise 05.4: a bounded Map.
//
// MapWindow runs fn on every input on the chapter's executor and returns the
// results in input order, like executor.Map. And like executor.Map, it
// submits every input before it waits for any. On an executor with a small
// queue that does not work: under the Reject policy, Submit fails with
// executor.ErrQueueFull as soon as the queue is full; under Block, the
// submitter stalls, and every Future it holds keeps a result alive until
// the end.
//
// TODO: keep at most window tasks submitted and not yet collected at any
// moment, so that with window no larger than the queue, Submit never finds
// it full. Still return the results in input order, and still let up to
// window tasks run at once.
package window

import (
	"context"
	"fmt"

	"github.com/gocourse/concurrency/05-threadpool/executor"
)

// MapWindow runs fn on every input on e, with at most window tasks
// submitted and not yet collected at once, and returns the results in input
// order. It stops at the first error, in input order.
func MapWindow[In, Out any](ctx context.Context, e *executor.Executor, inputs []In, window int,
	fn func(context.Context, In) (Out, error)) ([]Out, error) {
	futures := make([]*executor.Future[Out], len(inputs))
	for i, in := range inputs {
		f, err := executor.Submit(e, func(ctx context.Context) (Out, error) { return fn(ctx, in) })
		if err != nil {
			return nil, fmt.Errorf("input %d: %w", i, err)
		}
		futures[i] = f
	}
	out := make([]Out, len(inputs))
	for i, f := range futures {
		v, err := f.Wait(ctx)
		if err != nil {
			return nil, fmt.Errorf("input %d: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}
