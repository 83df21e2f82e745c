package main

import (
	"sync/atomic"

	"golang.org/x/sys/cpu"
)

// Two goroutines that each update only their own counter share nothing, as
// far as the program can tell. The hardware disagrees when both counters sit
// on the same cache line (64 bytes here): a core must own the whole line to
// write to it, so the line bounces between the two cores on every increment,
// and the "independent" counters run at the speed of one shared one. This is
// false sharing. The benchmarks in falsesharing_test.go measure it.

// Adjacent holds two counters next to each other: 8 bytes apart, on one line.
type Adjacent struct {
	counters [2]struct{ n atomic.Int64 }
}

// Padded holds the same two counters with a cache line of padding after each,
// so they can never share one.
type Padded struct {
	counters [2]struct {
		n atomic.Int64
		_ cpu.CacheLinePad
	}
}

// Add adds 1 to counter i (0 or 1).
func (a *Adjacent) Add(i int) { a.counters[i].n.Add(1) }

// Add adds 1 to counter i (0 or 1).
func (p *Padded) Add(i int) { p.counters[i].n.Add(1) }

// Sum is the two counters added up.
func (a *Adjacent) Sum() int64 { return a.counters[0].n.Load() + a.counters[1].n.Load() }

// Sum is the two counters added up.
func (p *Padded) Sum() int64 { return p.counters[0].n.Load() + p.counters[1].n.Load() }
