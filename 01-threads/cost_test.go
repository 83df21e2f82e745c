package main

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseThreads(t *testing.T) {
	tests := []struct {
		name   string
		status string
		want   int
		ok     bool
	}{
		{"linux", "Name:\tx\nState:\tR (running)\nThreads:\t7\nSigQ:\t0/1\n", 7, true},
		{"spaces", "Threads:   12\n", 12, true},
		{"missing", "Name:\tx\n", 0, false},
		{"garbled", "Threads:\tmany\n", 0, false},
		{"empty", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok := parseThreads(strings.NewReader(tt.status))
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, n)
		})
	}
}

// The claim of section 5: thousands of parked goroutines need only a handful
// of OS threads, and each costs a small stack.
func TestParkedGoroutinesHoldNoThreads(t *testing.T) {
	const n = 5000
	r := parkGoroutines(n)
	assert.GreaterOrEqual(t, r.NumGoroutine, n)
	assert.Greater(t, r.StackPerG, 0.0)
	assert.Less(t, r.StackPerG, 64.0*1024, "a parked goroutine's stack is KiB, not MiB")
	assert.Less(t, int(r.RuntimeThread), n/10, "threads: %d for %d goroutines", r.RuntimeThread, n)
	if runtime.GOOS == "linux" {
		assert.Greater(t, r.OSThreads, 0)
		assert.Less(t, r.OSThreads, n/10)
	}
}
