//go:build unix

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// The broken program hangs until the harness kills it: the runtime has no
// deadlock to report, because both sides are blocked in the kernel.
func TestWaitFirstHangs(t *testing.T) {
	res, err := harness.Run(t.Context(), "./06-multiprocessing/waitfirst", harness.Options{Timeout: 2 * time.Second})
	require.NoError(t, err)
	assert.True(t, res.TimedOut, res.String())
	assert.Equal(t, "child started; parent calls Wait before reading its 1 MiB of output...\n", res.Stdout)
	assert.NotContains(t, res.Stderr, "all goroutines are asleep")
}
