//go:build coach

// Wrong: checks "loaded?" under a mutex but loads outside it, so every caller
// that checks before the first load ends loads the table again.
package once

import (
	"errors"
	"sync"
)

// ErrUnknownCurrency is returned by Rate for a currency the table lacks.
var ErrUnknownCurrency = errors.New("unknown currency")

// Rates is a table of exchange rates, loaded on first use.
type Rates struct {
	load   func() (map[string]float64, error)
	mu     sync.Mutex
	loaded bool
	table  map[string]float64
	err    error
}

// NewRates returns a table that load will fill the first time Rate is
// called.
func NewRates(load func() (map[string]float64, error)) *Rates {
	return &Rates{load: load}
}

// Rate returns the rate of currency, loading the table first if needed.
func (r *Rates) Rate(currency string) (float64, error) {
	r.mu.Lock()
	loaded := r.loaded
	r.mu.Unlock()
	if !loaded {
		table, err := r.load()
		r.mu.Lock()
		r.table, r.err, r.loaded = table, err, true
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
