//go:build coach

// Wrong: submits one input and waits for it before the next, whatever the
// window: never a full queue, but never two tasks at once either.
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
	window = max(window, 1) // a window of 0 would never submit anything
	futures := make([]*executor.Future[Out], len(inputs))
	out := make([]Out, len(inputs))
	collect := func(i int) error {
		v, err := futures[i].Wait(ctx)
		if err != nil {
			return fmt.Errorf("input %d: %w", i, err)
		}
		out[i] = v
		return nil
	}
	for i, in := range inputs {
		if i >= 1 {
			// Make room: the oldest outstanding task must be collected first.
			if err := collect(i - 1); err != nil {
				return nil, err
			}
		}
		f, err := executor.Submit(e, func(ctx context.Context) (Out, error) { return fn(ctx, in) })
		if err != nil {
			return nil, fmt.Errorf("input %d: %w", i, err)
		}
		futures[i] = f
	}
	// The last window inputs (or all of them, if there were fewer) are still
	// outstanding.
	for i := max(0, len(inputs)-1); i < len(inputs); i++ {
		if err := collect(i); err != nil {
			return nil, err
		}
	}
	return out, nil
}
