package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/gocourse/concurrency/internal/cputime"
	"github.com/gocourse/concurrency/internal/timeline"
)

// Counting primes is honest CPU work: no I/O, no waiting, nothing shared but
// the final count. Split across goroutines it shows the one thing threads in
// CPython cannot: several cores computing at once.

// isPrime tests n by trial division, on purpose: the cost of a number grows
// with its size, which makes the split below interesting.
func isPrime(n int) bool {
	if n < 2 {
		return false
	}
	if n%2 == 0 {
		return n == 2
	}
	for d := 3; d*d <= n; d += 2 {
		if n%d == 0 {
			return false
		}
	}
	return true
}

// countPrimes counts the primes in [lo, hi).
func countPrimes(lo, hi int) int {
	count := 0
	for n := max(lo, 0); n < hi; n++ {
		if isPrime(n) {
			count++
		}
	}
	return count
}

// A split decides which numbers below the limit each worker counts.
type split int

const (
	// ranges gives worker w one contiguous range, [w*limit/k, (w+1)*limit/k).
	// Simple, but the last range holds the largest numbers, which cost the
	// most, so the last worker finishes last while the others sit idle.
	ranges split = iota
	// blocks deals out blocks of blockSize numbers round-robin, so every
	// worker gets a similar mix of small and large numbers.
	blocks
)

const blockSize = 4096

func (s split) String() string {
	if s == ranges {
		return "ranges"
	}
	return "blocks"
}

// countSplit counts the primes below limit with k goroutines, each adding up
// its own part in a local variable and writing it to its own slot once at the
// end: nothing is shared while they work, so nothing needs a lock. If rec is
// not nil, each worker's time is recorded on a lane of its own.
func countSplit(limit, k int, s split, rec *timeline.Recorder) int {
	parts := make([]int, k)
	var wg sync.WaitGroup
	for w := range k {
		wg.Go(func() {
			if rec != nil {
				defer rec.Begin(fmt.Sprintf("worker %d", w+1), s.String())()
			}
			switch s {
			case ranges:
				parts[w] = countPrimes(w*limit/k, (w+1)*limit/k)
			case blocks:
				for lo := w * blockSize; lo < limit; lo += k * blockSize {
					parts[w] += countPrimes(lo, min(lo+blockSize, limit))
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for _, p := range parts {
		total += p
	}
	return total
}

// showSplit counts the same primes sequentially and then with each split,
// drawing every run on one time scale. Times vary from run to run; what stays
// the same is the count, and the shape: ranges leaves the early workers idle
// while the last one finishes, blocks keeps them all busy to the end.
func showSplit(w io.Writer, limit, k int, width int) {
	var seq timeline.Recorder
	start := time.Now()
	end := seq.Begin("main", "sequential")
	want := countPrimes(0, limit)
	end()
	seqTime := time.Since(start)

	type run struct {
		s     split
		got   int
		took  time.Duration
		cpu   time.Duration // CPU time the process used meanwhile
		spans []timeline.Span
	}
	var runs []run
	for _, s := range []split{ranges, blocks} {
		var rec timeline.Recorder
		cpu0, start := cputime.Process(), time.Now()
		got := countSplit(limit, k, s, &rec)
		took, cpu := time.Since(start), cputime.Process()-cpu0
		runs = append(runs, run{s, got, took, cpu, rec.Spans()})
	}

	lanes := make([]string, k)
	for i := range lanes {
		lanes[i] = fmt.Sprintf("worker %d", i+1)
	}
	opts := timeline.Options{Width: width, Total: seqTime, Lanes: lanes}
	fmt.Fprintf(w, "1 goroutine:  %d primes below %d in %s\n", want, limit, seqTime.Round(time.Millisecond))
	timeline.Render(w, seq.Spans(), timeline.Options{Width: width, Total: seqTime})
	for _, r := range runs {
		fmt.Fprintf(w, "%d goroutines, split by %s: %d primes in %s, %.2fx",
			k, r.s, r.got, r.took.Round(time.Millisecond), seqTime.Seconds()/r.took.Seconds())
		if r.cpu > 0 {
			// The speed-up compares two runs, and a busy machine can slow
			// either; the cores busy during this one run cannot exceed
			// the processors Go was allowed (GOMAXPROCS), however loaded
			// the machine is.
			fmt.Fprintf(w, ", %.2f cores busy", r.cpu.Seconds()/r.took.Seconds())
		}
		fmt.Fprintln(w)
		timeline.Render(w, r.spans, opts)
	}
	fmt.Fprintln(w, "(times vary from run to run; the counts must not)")
}
