//go:build coach

// Exercise 02.3, solved: sync.OnceValues wraps load in a function that runs
// it on the first call only. Callers that arrive while it runs wait until it
// has returned, and the return happens before any of them reads the
// results, so nobody sees a half-built table. Every later call returns the
// same two results, the error included: a failed load is not retried.
package once

import (
	"errors"
	"sync"
)

// ErrUnknownCurrency is returned by Rate for a currency the table lacks.
var ErrUnknownCurrency = errors.New("unknown currency")

// Rates is a table of exchange rates, loaded on first use.
type Rates struct {
	// table loads on its first call and remembers; it is set once, in
	// NewRates, before any goroutine can see r, so reading the field
	// itself needs no lock.
	table func() (map[string]float64, error)
}

// NewRates returns a table that load will fill the first time Rate is
// called. Nothing is loaded yet.
func NewRates(load func() (map[string]float64, error)) *Rates {
	return &Rates{table: sync.OnceValues(load)}
}

// Rate returns the rate of currency, loading the table first if nobody has
// yet. If the load failed, it returns the load's error.
func (r *Rates) Rate(currency string) (float64, error) {
	table, err := r.table()
	if err != nil {
		return 0, err
	}
	rate, ok := table[currency]
	if !ok {
		return 0, ErrUnknownCurrency
	}
	return rate, nil
}
