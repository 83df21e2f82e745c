package main

import (
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Each fixed stop flag stops its spinner (if one did not, the test would
// hang until go test's timeout).
func TestStopFixes(t *testing.T) {
	for _, f := range stopFixes {
		t.Run(f.name, func(t *testing.T) { f.run() })
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
