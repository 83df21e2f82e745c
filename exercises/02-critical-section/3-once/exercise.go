//go:build coach

// Exercise 02.3: load it once.
//
// Rates loads a table of exchange rates the first time someone asks, with a
// check that anyone who has lazily initialised something has written: "if
// not loaded yet, load". With one goroutine that is fine. With many, several
// can see "not loaded" before the first has finished: each loads the table
// again, and all of them read and write loaded, table and err with nothing
// ordering them, a data race the race detector reports.
//
// TODO: make Rate safe for any number of goroutines at once, with the table
// loaded exactly once, and every caller that arrives during the load waiting
// for it. Use sync.OnceValues (sync.Once would do; OnceValues fits a load
// that returns a value and an error). A load that fails is not retried:
// every Rate returns its error.
package once

import "errors"

// ErrUnknownCurrency is returned by Rate for a currency the table lacks.
var ErrUnknownCurrency = errors.New("unknown currency")

// Rates is a table of exchange rates, loaded on first use.
type Rates struct {
	load   func() (map[string]float64, error)
	loaded bool
	table  map[string]float64
	err    error
}

// NewRates returns a table that load will fill the first time Rate is
// called. Nothing is loaded yet.
func NewRates(load func() (map[string]float64, error)) *Rates {
	return &Rates{load: load}
}

// Rate returns the rate of currency, loading the table first if nobody has
// yet. If the load failed, it returns the load's error.
func (r *Rates) Rate(currency string) (float64, error) {
	if !r.loaded {
		r.table, r.err = r.load()
		r.loaded = true
	}
	if r.err != nil {
		return 0, r.err
	}
	rate, ok := r.table[currency]
	if !ok {
		return 0, ErrUnknownCurrency
	}
	return rate, nil
}
