// Command nested deadlocks on purpose: the classic nested-submit deadlock of
// every thread pool. Two workers, two parent tasks; each parent submits a
// child task to the same pool and waits for it. Both workers are now busy
// waiting, and the children sit in the queue behind them, waiting for a
// free worker that will never come.
//
// Built without -race, the Go runtime notices that every goroutine is
// blocked and stops the program with "all goroutines are asleep - deadlock!"
// (exit status 2). In Python or Java the same program just hangs.
// Run it with:  go run ./05-threadpool/nested
package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/gocourse/concurrency/05-threadpool/executor"
)

func main() {
	const workers = 2
	e := executor.New(executor.Config{Workers: workers})
	// Both parents must be running before either submits its child, as
	// happens whenever the pool is busy. Without this barrier, a fast
	// first parent could queue its child ahead of the second parent, the
	// child would get the free worker, and the program might finish: a
	// deadlock that depends on timing, which is the worst kind.
	var running sync.WaitGroup
	running.Add(workers)
	var parents []*executor.Future[int]
	for p := range workers {
		f, err := executor.Submit(e, func(ctx context.Context) (int, error) {
			running.Done()
			running.Wait()
			child, err := executor.Submit(e, func(context.Context) (int, error) { return 10 * p, nil })
			if err != nil {
				return 0, err
			}
			fmt.Printf("parent %d on worker %d: waiting for its child, queued behind the parents\n", p, executor.WorkerID(ctx))
			return child.Wait(ctx) // blocks this worker until a worker is free: never
		})
		if err != nil {
			panic(err)
		}
		parents = append(parents, f)
	}
	for _, f := range parents {
		v, err := f.Wait(context.Background())
		fmt.Println("parent returned", v, err) // never printed
	}
}
