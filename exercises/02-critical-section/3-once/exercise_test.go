//go:build coach

package once

// Rejects:
//   - nowait: callers that arrive during the load do not wait for it
//   - retry: a failed load is tried again instead of remembered
//   - splitcheck: checks "loaded?" under a lock but loads outside it

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errOffline = errors.New("rates service offline")

// One goroutine: nothing is loaded until the first Rate, then the table is
// loaded once, and a failed load is remembered, not retried.
func TestRate(t *testing.T) {
	table := map[string]float64{"EUR": 1.08, "GBP": 1.27}
	tests := []struct {
		name     string
		table    map[string]float64
		err      error // what the load returns
		currency string
		want     float64
		wantErr  error
	}{
		{"a known currency", table, nil, "GBP", 1.27, nil},
		{"an unknown currency", table, nil, "XYZ", 0, ErrUnknownCurrency},
		{"a failed load", nil, errOffline, "EUR", 0, errOffline},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var loads atomic.Int32
			r := NewRates(func() (map[string]float64, error) {
				loads.Add(1)
				return tt.table, tt.err
			})
			assert.Zero(t, loads.Load(), "NewRates must not load the table yet")
			for range 3 {
				got, err := r.Rate(tt.currency)
				assert.Equal(t, tt.want, got)
				assert.ErrorIs(t, err, tt.wantErr)
			}
			assert.EqualValues(t, 1, loads.Load(), "the table must be loaded exactly once")
		})
	}
}

// Many goroutines ask while the load is still running. The load waits at a
// gate that opens only once every caller has started, so they all arrive
// during the load: one load must happen, and every caller must wait for it
// and see the whole table.
//
// No synctest bubble here: a caller waiting for another's load may wait on a
// sync.Mutex (sync.Once does), and the bubble does not count that as
// blocked. The gate is enough.
func TestRateFromManyGoroutines(t *testing.T) {
	for _, callers := range []int{2, 50} {
		t.Run(fmt.Sprint(callers, " callers"), func(t *testing.T) {
			gate := make(chan struct{})
			var loads atomic.Int32
			r := NewRates(func() (map[string]float64, error) {
				loads.Add(1)
				<-gate
				return map[string]float64{"EUR": 1.08}, nil
			})

			got := make([]float64, callers)
			errs := make([]error, callers)
			var started, wg sync.WaitGroup
			started.Add(callers)
			for i := range callers {
				wg.Go(func() {
					started.Done()
					got[i], errs[i] = r.Rate("EUR")
				})
			}
			started.Wait()
			close(gate)
			wg.Wait()

			assert.EqualValues(t, 1, loads.Load(), "the table must be loaded exactly once, however many goroutines ask")
			for i := range callers {
				assert.NoError(t, errs[i], "caller %d", i)
				assert.Equal(t, 1.08, got[i], "caller %d must see the loaded table", i)
			}
		})
	}
}
