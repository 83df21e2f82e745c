package main

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// How long it takes to start a goroutine and join it: the floor under every
// "just use a goroutine" in this course.
func BenchmarkGoroutineStartJoin(b *testing.B) {
	var wg sync.WaitGroup
	for b.Loop() {
		wg.Go(func() {})
		wg.Wait()
	}
}

// The same for a batch of 100, joined once: closer to how goroutines are used.
func BenchmarkGoroutineStartJoin100(b *testing.B) {
	var wg sync.WaitGroup
	for b.Loop() {
		for range 100 {
			wg.Go(func() {})
		}
		wg.Wait()
	}
}

// What a parked goroutine costs in memory. -benchmem counts heap allocations
// only, not stacks, so the stack bytes are read from runtime/metrics and
// reported as metrics of their own.
func BenchmarkParkedGoroutineMemory(b *testing.B) {
	const n = 10_000
	var r parkReport
	for b.Loop() {
		r = parkGoroutines(n)
	}
	b.ReportMetric(r.StackPerG, "stack-B/goroutine")
	b.ReportMetric(r.HeapPerG, "heap-B/goroutine")
	b.ReportMetric(float64(r.RuntimeThread), "OS-threads")
}

// Counting the primes below 2,000,000: one goroutine, then the two splits
// with GOMAXPROCS goroutines. Compare ns/op: sequential/split is the speed-up.
func BenchmarkPrimes(b *testing.B) {
	const limit = 2_000_000
	k := runtime.GOMAXPROCS(0)
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			countPrimes(0, limit)
		}
	})
	for _, s := range []split{ranges, blocks} {
		b.Run(fmt.Sprintf("%s/goroutines=%d", s, k), func(b *testing.B) {
			for b.Loop() {
				countSplit(limit, k, s, nil)
			}
		})
	}
}
