package executor

import (
	"context"
	"fmt"
	"iter"
)

// Map runs fn on every input on e and returns the results in input order,
// whatever order the tasks finished in (Python's Executor.map). It returns at
// the first error in input order, or when ctx ends, after cancelling the
// tasks that have not started; tasks already running finish on their own.
// Do not call Map from inside a task of the same executor: see the nested
// submit deadlock in the chapter.
func Map[In, Out any](ctx context.Context, e *Executor, inputs []In, fn func(context.Context, In) (Out, error)) ([]Out, error) {
	futures := make([]*Future[Out], 0, len(inputs))
	cancelRest := func() {
		for _, f := range futures {
			f.Cancel()
		}
	}
	for _, in := range inputs {
		f, err := Submit(e, func(ctx context.Context) (Out, error) { return fn(ctx, in) })
		if err != nil {
			cancelRest()
			return nil, err
		}
		futures = append(futures, f)
	}
	out := make([]Out, len(inputs))
	for i, f := range futures {
		v, err := f.Wait(ctx)
		if err != nil {
			cancelRest()
			return nil, fmt.Errorf("executor.Map: input %d: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}

// AsCompleted yields each future with its index in futures as soon as its
// result is final, in the order they finish (Python's as_completed), so a
// slow first task does not hold back the others. It stops early when ctx
// ends; check ctx.Err() after the loop. It starts no goroutines.
func AsCompleted[T any](ctx context.Context, futures []*Future[T]) iter.Seq2[int, *Future[T]] {
	return func(yield func(int, *Future[T]) bool) {
		finished := make(chan int, len(futures)) // room for all: callbacks never block
		for i, f := range futures {
			f.whenDone(func() { finished <- i })
		}
		for range futures {
			select {
			case i := <-finished:
				if !yield(i, futures[i]) {
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}
}
