package main

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"
)

// Section 4: errgroup, the standard answer in Go for "run these tasks, at most
// N at a time, stop at the first error". SetLimit(N) bounds how many run at
// once; WithContext cancels the shared context when one task fails;
// context.Cause tells the others why. Two things it does not do:
//   - it is not a pool: Go starts a new goroutine for every task (and blocks
//     the caller while N are running), so there is no worker identity and no
//     queue to inspect or drain;
//   - it does not recover panics: a panicking task crashes the program.

// ErrStop is the failure that the demo's failing task reports.
var ErrStop = errors.New("task failed on purpose")

// GroupRun runs task(ctx, 0) … task(ctx, n-1) with at most limit at once.
// It returns the first error and the context's cause as the tasks saw it.
func GroupRun(ctx context.Context, n, limit int, task func(ctx context.Context, i int) error) (err, cause error) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i := range n {
		// Go blocks here while limit tasks are running: back-pressure for free.
		g.Go(func() error { return task(gctx, i) })
	}
	err = g.Wait()
	return err, context.Cause(gctx)
}

// TryGoWhenFull fills a group of limit slots with tasks that wait on
// release, then reports whether TryGo accepted one more (it must not).
func TryGoWhenFull(limit int) (accepted bool) {
	var g errgroup.Group
	g.SetLimit(limit)
	release := make(chan struct{})
	for range limit {
		g.Go(func() error { <-release; return nil })
	}
	accepted = g.TryGo(func() error { return nil })
	close(release)
	if err := g.Wait(); err != nil {
		panic(fmt.Sprint("unreachable: ", err))
	}
	return accepted
}
