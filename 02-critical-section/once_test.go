package main

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Fifty goroutines ask while the load is still running: all of them wait
// for it, one load happens, everyone sees the whole table.
//
// This test cannot use a synctest bubble: a goroutine waiting inside
// Once.Do waits on a sync.Mutex, which the bubble does not count as blocked.
// So the load waits on a gate that opens once every caller has started.
func TestRatesLoadOnce(t *testing.T) {
	gate := make(chan struct{})
	rates := NewRates(func() map[string]float64 {
		<-gate
		return map[string]float64{"EUR": 1.08}
	})
	const callers = 50
	got := make([]float64, callers)
	var started, wg sync.WaitGroup
	started.Add(callers)
	for i := range callers {
		wg.Go(func() {
			started.Done()
			got[i] = rates.Rate("EUR")
		})
	}
	started.Wait()
	close(gate)
	wg.Wait()
	assert.Equal(t, 1, rates.Loads())
	for i, r := range got {
		assert.Equal(t, 1.08, r, "caller %d", i)
	}
	assert.Zero(t, rates.Rate("XYZ"))
	assert.Equal(t, 1, rates.Loads())
}

func ExampleRates() {
	rates := NewRates(func() map[string]float64 {
		fmt.Println("loading")
		return map[string]float64{"EUR": 1.08, "GBP": 1.27}
	})
	fmt.Println(rates.Rate("EUR"))
	fmt.Println(rates.Rate("GBP"))
	fmt.Println(rates.Loads())
	// Output:
	// loading
	// 1.08
	// 1.27
	// 1
}
