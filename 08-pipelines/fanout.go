package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// crunch is one CPU-bound job: rounds of mix, chained so that no round can
// start before the one before it ends. About 2 ns a round.
func crunch(seed uint64, rounds int) uint64 {
	x := seed
	for range rounds {
		x = mix(x + 1)
	}
	return x
}

// A result is one job's answer with the job's position in the input, so a
// consumer can put the answers back in order.
type result struct {
	seq   int
	value uint64
}

// serial runs the jobs one after another: what the fan-out is measured
// against.
func serial(jobs []uint64, rounds int) []uint64 {
	out := make([]uint64, len(jobs))
	for i, j := range jobs {
		out[i] = crunch(j, rounds)
	}
	return out
}

// fanOut starts workers goroutines that all receive from one jobs channel
// (fan-out: whichever worker is free takes the next job) and all send on
// one results channel (fan-in). Results arrive in the order they finish,
// not the order of the input. The results channel is closed by the one
// goroutine that knows when every worker is done: it waits on them.
//
// Both channels hold one value per worker. Unbuffered, every hand-off is a
// meeting: a worker that finishes a job waits for the collector to take its
// answer and then for the dispatcher to hand it the next job, and on 2 cores
// those two goroutines are often queued behind the other worker's job. With
// a slot per worker the next job is already waiting and the answer can be
// left behind; the buffers stay bounded, so a slow collector still stops
// the workers. BenchmarkFloorFanOut2 measures the difference.
func fanOut(ctx context.Context, jobs []uint64, rounds, workers int) <-chan result {
	return fanOutBuffered(ctx, jobs, rounds, workers, workers)
}

// fanOutBuffered is fanOut with buf slots in each channel; 0 makes every
// hand-off a meeting.
func fanOutBuffered(ctx context.Context, jobs []uint64, rounds, workers, buf int) <-chan result {
	in := make(chan result, buf)
	go func() {
		defer close(in)
		for i, j := range jobs {
			if send(ctx, in, result{i, j}) != nil {
				return
			}
		}
	}()
	out := make(chan result, buf)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range in {
				if send(ctx, out, result{j.seq, crunch(j.value, rounds)}) != nil {
					return
				}
			}
		})
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// collect puts fanOut's results in input order, after they have all come.
func collect(results <-chan result, n int) []uint64 {
	out := make([]uint64, n)
	for r := range results {
		out[r.seq] = r.value
	}
	return out
}

// ordered is fanOut that delivers results in input order, as they become
// deliverable, holding at most window of them at once. A result that comes
// early waits in a reorder buffer until every result before it has been
// sent on. window tokens bound the buffer: one is taken before a job goes
// out and given back when its result is delivered, so the workers can never
// run more than window jobs ahead of the slowest unfinished one.
// maxHeld reports the most results that ever waited in the buffer.
func ordered(ctx context.Context, jobs []uint64, rounds, workers, window int) (out <-chan uint64, maxHeld func() int) {
	tokens := make(chan struct{}, window)
	in := make(chan result, workers) // a slot per worker, as in fanOut
	go func() {
		defer close(in)
		for i, j := range jobs {
			if send(ctx, tokens, struct{}{}) != nil || send(ctx, in, result{i, j}) != nil {
				return
			}
		}
	}()
	done := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range in {
				if send(ctx, done, result{j.seq, crunch(j.value, rounds)}) != nil {
					return
				}
			}
		})
	}
	go func() {
		wg.Wait()
		close(done)
	}()

	res := make(chan uint64)
	var most int // written by the reorderer, read after res is closed
	go func() {
		defer close(res)
		held := map[int]uint64{}
		next := 0
		for r := range done {
			held[r.seq] = r.value
			most = max(most, len(held))
			for v, ok := held[next]; ok; v, ok = held[next] {
				delete(held, next)
				if send(ctx, res, v) != nil {
					return
				}
				next++
				<-tokens // delivered: its slot is free
			}
		}
	}()
	return res, func() int { return most }
}

// jobSeeds makes n job inputs.
func jobSeeds(n int) []uint64 {
	jobs := make([]uint64, n)
	for i := range jobs {
		jobs[i] = uint64(i) * 0x9e3779b97f4a7c15
	}
	return jobs
}

// fanRounds is how much work each fan-out job does: about 100 µs on an idle
// 2 GHz core.
const fanRounds = 50_000

func showFanOut(ctx context.Context, w io.Writer) error {
	jobs := jobSeeds(cfg.jobs)
	serial(jobs[:min(len(jobs), 8)], fanRounds) // warm up, so the serial run is not the only one that starts cold
	start := time.Now()
	want := serial(jobs, fanRounds)
	serialTook := time.Since(start)

	start = time.Now()
	var arrival []int
	got := make([]uint64, len(jobs))
	for r := range fanOut(ctx, jobs, fanRounds, cfg.workers) {
		arrival = append(arrival, r.seq)
		got[r.seq] = r.value
	}
	fanTook := time.Since(start)
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d CPU-bound jobs (%d rounds of mix each), %d workers: answers right: %t; arrived in input order: %t\n",
		len(jobs), fanRounds, cfg.workers, slices.Equal(got, want), slices.IsSorted(arrival))

	start = time.Now()
	res, held := ordered(ctx, jobs, fanRounds, cfg.workers, 2*cfg.workers)
	inOrder := make([]uint64, 0, len(jobs))
	for v := range res {
		inOrder = append(inOrder, v)
	}
	orderedTook := time.Since(start)
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(w, "ordered, reorder window %d: answers right and in order: %t; at most %d held back at once\n",
		2*cfg.workers, slices.Equal(inOrder, want), held())
	fmt.Fprintf(w, "serial %v; fan-out %v (%.2fx); ordered fan-out %v (%.2fx)\n",
		serialTook.Round(time.Millisecond), fanTook.Round(time.Millisecond), speedup(serialTook, fanTook),
		orderedTook.Round(time.Millisecond), speedup(serialTook, orderedTook))
	return nil
}

// speedup is how many times faster took is than base.
func speedup(base, took time.Duration) float64 { return float64(base) / float64(max(took, 1)) }
