package main

import (
	"sync"
	"sync/atomic"
)

// Rates is a table of exchange rates that is expensive to load, so it is
// loaded the first time someone asks, and only then. Many goroutines may ask
// at the same moment; sync.Once makes exactly one of them run load, and makes
// every other caller wait until load has returned, so nobody sees a
// half-filled table. After that, Rate costs one atomic load (the Once's
// "done" flag) and needs no lock.
//
// The zero value is not ready: build one with NewRates. (Go 1.21's
// sync.OnceValue wraps the same idea in one function call.)
type Rates struct {
	once  sync.Once
	load  func() map[string]float64
	table map[string]float64 // written once inside once.Do, read-only after
	loads atomic.Int32       // how many times load ran, for the lesson
}

// NewRates returns a table that will be filled by load on first use.
func NewRates(load func() map[string]float64) *Rates {
	return &Rates{load: load}
}

// Rate returns the rate for a currency, loading the table first if nobody
// has yet. It is safe for concurrent use.
func (r *Rates) Rate(currency string) float64 {
	r.once.Do(func() {
		r.table = r.load()
		r.loads.Add(1)
	})
	return r.table[currency]
}

// Loads says how many times the table was loaded: 1 after any use, however
// many goroutines raced to be first.
func (r *Rates) Loads() int { return int(r.loads.Load()) }
