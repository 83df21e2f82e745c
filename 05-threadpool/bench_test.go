package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gocourse/concurrency/05-threadpool/executor"
)

// Per-task overhead: every contender runs the same batch of tiny tasks (a
// multiply and an add, far below a microsecond) with 4 workers or a limit of
// 4, and waits for all of them. ns/task is the cost of the machinery, since
// the work itself is almost nothing.
//
//	go test -run '^$' -bench Overhead -benchmem ./05-threadpool

const batch = 1000

func tiny(i int) int { return i*i + 1 }

func perTask(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/task")
}

func BenchmarkOverhead(b *testing.B) {
	b.Run("goroutine-per-task", func(b *testing.B) {
		res := make([]int, batch)
		for b.Loop() {
			PerTask(batch, func(i int) { res[i] = tiny(i) })
		}
		perTask(b)
	})
	b.Run("errgroup-SetLimit4", func(b *testing.B) {
		res := make([]int, batch)
		for b.Loop() {
			var g errgroup.Group
			g.SetLimit(4)
			for i := range batch {
				g.Go(func() error { res[i] = tiny(i); return nil })
			}
			_ = g.Wait()
		}
		perTask(b)
	})
	b.Run("channel-pool-4", func(b *testing.B) {
		// The hand-written minimum: four goroutines ranging over a channel of
		// funcs, a WaitGroup per batch. No results, errors, panics or shutdown.
		tasks := make(chan func(), 256)
		var workers sync.WaitGroup
		for range 4 {
			workers.Go(func() {
				for t := range tasks {
					t()
				}
			})
		}
		res := make([]int, batch)
		for b.Loop() {
			var wg sync.WaitGroup
			wg.Add(batch)
			for i := range batch {
				tasks <- func() { res[i] = tiny(i); wg.Done() }
			}
			wg.Wait()
		}
		close(tasks)
		workers.Wait()
		perTask(b)
	})
	b.Run("step2-Pool-4", func(b *testing.B) {
		res := make([]int, batch)
		for b.Loop() {
			jobs := make(chan int, 256)
			go func() {
				defer close(jobs)
				for i := range batch {
					jobs <- i
				}
			}()
			for r := range Pool(4, jobs, func(_, i int) int { return tiny(i) }) {
				res[r.In] = r.Out
			}
		}
		perTask(b)
	})
	b.Run("executor-4-futures", func(b *testing.B) {
		e := executor.New(executor.Config{Workers: 4})
		defer e.Shutdown(b.Context())
		futures := make([]*executor.Future[int], batch)
		ctx := b.Context()
		for b.Loop() {
			for i := range batch {
				f, err := executor.Submit(e, func(context.Context) (int, error) { return tiny(i), nil })
				if err != nil {
					b.Fatal(err)
				}
				futures[i] = f
			}
			for _, f := range futures {
				if _, err := f.Wait(ctx); err != nil {
					b.Fatal(err)
				}
			}
		}
		perTask(b)
	})
	b.Run("executor-4-Map", func(b *testing.B) {
		e := executor.New(executor.Config{Workers: 4})
		defer e.Shutdown(b.Context())
		in := make([]int, batch)
		for i := range in {
			in[i] = i
		}
		for b.Loop() {
			if _, err := executor.Map(b.Context(), e, in, func(_ context.Context, i int) (int, error) { return tiny(i), nil }); err != nil {
				b.Fatal(err)
			}
		}
		perTask(b)
	})
}

// Step 1 at scale: a million tiny tasks, one goroutine each, against the
// executor. And what a goroutine-per-task design costs when the tasks are
// slow and all alive at once.
//
//	go test -run '^$' -bench 'Million|StackCost' -benchmem ./05-threadpool
func BenchmarkMillionTasks(b *testing.B) {
	const n = 1_000_000
	b.Run("goroutine-per-task", func(b *testing.B) {
		res := make([]int, n)
		for b.Loop() {
			PerTask(n, func(i int) { res[i] = tiny(i) })
		}
	})
	b.Run("executor-GOMAXPROCS", func(b *testing.B) {
		e := executor.New(executor.Config{})
		defer e.Shutdown(b.Context())
		res := make([]int, n)
		for b.Loop() {
			var wg sync.WaitGroup
			wg.Add(n)
			for i := range n {
				if _, err := executor.Submit(e, func(context.Context) (struct{}, error) {
					res[i] = tiny(i)
					wg.Done()
					return struct{}{}, nil
				}); err != nil {
					b.Fatal(err)
				}
			}
			wg.Wait()
		}
	})
}

func BenchmarkStackCost(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("blocked=%d", n), func(b *testing.B) {
			var stack uint64
			for b.Loop() {
				stack, _ = StackCost(n)
			}
			b.ReportMetric(float64(stack)/float64(n), "stack-B/goroutine")
			b.ReportMetric(float64(stack)/(1<<20), "stack-MiB")
		})
	}
}

// Sizing: 32 tasks of two kinds on pools of 1 to 32 workers.
//
//   - cpu: hashing, about a millisecond of pure CPU each: more workers than
//     cores cannot help;
//
//   - wait: a 2 ms sleep standing in for a network call: the CPU is idle, so
//     more workers help until there is one per task.
//
//     go test -run '^$' -bench Sizing ./05-threadpool
func BenchmarkSizing(b *testing.B) {
	const tasks = 32
	work := map[string]func(){
		"cpu":  func() { burn(4000) },
		"wait": func() { time.Sleep(2 * time.Millisecond) },
	}
	for _, kind := range []string{"cpu", "wait"} {
		for _, workers := range []int{1, 2, 4, 8, 32} {
			b.Run(fmt.Sprintf("%s/workers=%d", kind, workers), func(b *testing.B) {
				e := executor.New(executor.Config{Workers: workers})
				defer e.Shutdown(b.Context())
				in := make([]int, tasks)
				for b.Loop() {
					if _, err := executor.Map(b.Context(), e, in, func(context.Context, int) (int, error) {
						work[kind]()
						return 0, nil
					}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(tasks)/(float64(b.Elapsed().Seconds())/float64(b.N)), "tasks/s")
			})
		}
	}
}

var burnSink [32]byte

// burn hashes a small buffer n times: CPU work with no allocation and no
// waiting.
func burn(n int) {
	var sum [32]byte
	for range n {
		sum = sha256.Sum256(sum[:])
	}
	burnSink = sum
}
