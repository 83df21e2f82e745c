//go:build coach

// Wrong: never hangs because it runs f on one item at a time, ignoring workers.
package stuck

import "context"

// Map returns f(item) for every item, in order, computed by workers
// goroutines at once. At the first error, or when ctx is done, it stops
// and returns that error.
func Map(ctx context.Context, workers int, items []int, f func(context.Context, int) (int, error)) ([]int, error) {
	out := make([]int, len(items))
	for i, item := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v, err := f(ctx, item)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
