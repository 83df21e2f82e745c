package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPerTaskRunsEveryTaskOnce(t *testing.T) {
	const n = 1000
	var seen [n]atomic.Int32
	PerTask(n, func(i int) { seen[i].Add(1) })
	for i := range seen {
		require.Equal(t, int32(1), seen[i].Load(), "task %d", i)
	}
}

// Unbounded: n slow tasks means n goroutines, and n stacks, at once.
func TestStackCostGrowsWithTheNumberOfTasks(t *testing.T) {
	const n = 2000
	stack, alive := StackCost(n)
	assert.GreaterOrEqual(t, alive, n, "every task is its own goroutine")
	assert.GreaterOrEqual(t, stack, uint64(n)*1024, "each holds a stack of at least a couple of KiB")
}

// Step 2: every job done exactly once, by workers with IDs 1…N, never more
// than N at a time, and results in finishing order, not sending order.
func TestPoolRunsEachJobOnceOnAtMostNWorkers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const workers, n = 3, 12
		jobs := make(chan int)
		go func() {
			defer close(jobs)
			for i := range n {
				jobs <- i
			}
		}()
		var running, peak atomic.Int32
		var order []int
		for r := range Pool(workers, jobs, func(worker, i int) int {
			peak.Store(max(peak.Load(), running.Add(1)))
			defer running.Add(-1)
			time.Sleep(time.Duration(n-i) * time.Second) // the first jobs are the slowest
			return i * i
		}) {
			assert.True(t, r.Worker >= 1 && r.Worker <= workers, "worker %d", r.Worker)
			assert.Equal(t, r.In*r.In, r.Out)
			order = append(order, r.In)
		}
		assert.Equal(t, int32(workers), peak.Load())
		sorted := slices.Sorted(slices.Values(order))
		assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, sorted, "each job once")
		assert.NotEqual(t, sorted, order, "results come back in finishing order")
	})
}

func TestGroupRunStopsAtTheFirstErrorAndSaysWhy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		sawCancel := map[int]bool{}
		err, cause := GroupRun(t.Context(), 6, 2, func(ctx context.Context, i int) error {
			if i == 1 {
				return ErrStop
			}
			select {
			case <-time.After(time.Hour):
				return nil
			case <-ctx.Done():
				mu.Lock()
				sawCancel[i] = true
				mu.Unlock()
				return ctx.Err()
			}
		})
		assert.ErrorIs(t, err, ErrStop)
		assert.ErrorIs(t, cause, ErrStop, "context.Cause is the first error, not just context.Canceled")
		assert.Equal(t, map[int]bool{0: true, 2: true, 3: true, 4: true, 5: true}, sawCancel,
			"tasks started after the failure still start, and see the cancelled context at once")
	})
}

func TestGroupRunLimitsConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var running, peak atomic.Int32
		err, cause := GroupRun(t.Context(), 10, 3, func(ctx context.Context, i int) error {
			peak.Store(max(peak.Load(), running.Add(1)))
			defer running.Add(-1)
			time.Sleep(time.Second)
			return nil
		})
		require.NoError(t, err)
		assert.ErrorIs(t, cause, context.Canceled, "Wait cancels the context even on success")
		assert.False(t, errors.Is(cause, ErrStop))
		assert.Equal(t, int32(3), peak.Load())
	})
}

func TestTryGoRefusesWhenFull(t *testing.T) {
	for _, limit := range []int{1, 3} {
		assert.False(t, TryGoWhenFull(limit))
	}
}

// In a synctest bubble the clock is exact, so the errgroup step's drawing
// is the same on every run: the limit of three, task 3 failing half a unit
// after it starts, tasks 1 and 2 stopping at that instant, tasks 4 and 5
// starting into a cancelled context.
func TestStep3TimelineIsExact(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out strings.Builder
		runStep3(&out, options{workers: 3, tasks: 6, unit: 100 * time.Millisecond})
		want := `        0                                                      150ms
task 0 |[t0====================================]                    |
task 1 |[t1 stop===================================================]|
task 2 |[t2 stop===================================================]|
task 3 |                                        [t3 fail===========]|
task 4 |                                                           ||
task 5 |                                                           ||
`
		assert.Contains(t, out.String(), want)
		assert.Contains(t, out.String(), "tasks that saw the cancellation and stopped early: 4 of 6\n")
	})
}
