//go:build coach

// Wrong: the first caller loads, but the callers that arrive during the load
// do not wait for it: they read a table that is not there yet.
package once

import (
	"errors"
	"sync"
	"sync/atomic"
)

// ErrUnknownCurrency is returned by Rate for a currency the table lacks.
var ErrUnknownCurrency = errors.New("unknown currency")

// Rates is a table of exchange rates, loaded on first use.
type Rates struct {
	load    func() (map[string]float64, error)
	claimed atomic.Bool
	mu      sync.Mutex
	table   map[string]float64
	err     error
}

// NewRates returns a table that load will fill the first time Rate is
// called.
func NewRates(load func() (map[string]float64, error)) *Rates {
	return &Rates{load: load}
}

// Rate returns the rate of currency, loading the table first if needed.
func (r *Rates) Rate(currency string) (float64, error) {
	if r.claimed.CompareAndSwap(false, true) {
		table, err := r.load()
		r.mu.Lock()
		r.table, r.err = table, err
		r.mu.Unlock()
	}
	r.mu.Lock()
	table, err := r.table, r.err
	r.mu.Unlock()
	if err != nil {
		return 0, err
	}
	rate, ok := table[currency]
	if !ok {
		return 0, ErrUnknownCurrency
	}
	return rate, nil
}
