package main

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Each fixed stop flag stops its spinner. A spinner that misses the stop
// spins for ever, so the test gives it a generous bound and says which one
// failed, rather than hanging until go test's timeout. (A spinner stuck
// that way cannot be stopped; the failed test leaves it running.)
func TestStopFixes(t *testing.T) {
	const bound = 10 * time.Second
	for _, f := range stopFixes {
		t.Run(f.name, func(t *testing.T) {
			done := make(chan struct{})
			go func() {
				defer close(done)
				f.run()
			}()
			select {
			case <-done:
			case <-time.After(bound):
				t.Fatalf("the spinner stopped with %s did not stop within %s of the stop", f.name, bound)
			}
		})
	}
}

// Set before the spinner starts, the flag is seen on the first check.
func TestSpinnersSeeAnEarlyStop(t *testing.T) {
	var stop atomic.Bool
	stop.Store(true)
	assert.Zero(t, spinAtomic(&stop))

	ch := make(chan struct{})
	close(ch)
	assert.Zero(t, pollChannel(ch))
}
