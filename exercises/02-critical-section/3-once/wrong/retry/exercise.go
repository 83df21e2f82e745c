//go:build coach

// Wrong: loads under a mutex until a load succeeds, so a failed load is
// tried again on every call instead of being remembered.
package once

import (
	"errors"
	"sync"
)

// ErrUnknownCurrency is returned by Rate for a currency the table lacks.
var ErrUnknownCurrency = errors.New("unknown currency")

// Rates is a table of exchange rates, loaded on first use.
type Rates struct {
	load  func() (map[string]float64, error)
	mu    sync.Mutex
	table map[string]float64
}

// NewRates returns a table that load will fill the first time Rate is
// called.
func NewRates(load func() (map[string]float64, error)) *Rates {
	return &Rates{load: load}
}

// Rate returns the rate of currency, loading the table first if needed.
func (r *Rates) Rate(currency string) (float64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.table == nil {
		table, err := r.load()
		if err != nil {
			return 0, err
		}
		r.table = table
	}
	rate, ok := r.table[currency]
	if !ok {
		return 0, ErrUnknownCurrency
	}
	return rate, nil
}
