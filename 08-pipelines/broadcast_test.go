package main

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each policy on synctest's fake clock: 100 values, one every millisecond,
// a slow subscriber that needs 4 ms a value. The times are exact; which
// values a lossy policy drops depends on the scheduler, so those are checked
// as invariants.
func TestBroadcastPolicies(t *testing.T) {
	const n, period, slow, buf = 100, time.Millisecond, 4 * time.Millisecond, 16
	for _, p := range []Policy{Block, Buffer, Drop, Latest} {
		t.Run(p.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r, err := runBroadcast(t.Context(), p, buf, n, period, slow)
				require.NoError(t, err)
				assert.True(t, r.fastInOrder && r.slowInOrder, "values arrive in order")
				assert.Equal(t, n, r.fast+r.fastLost, "fast: got + lost")
				assert.Equal(t, n, r.slow+r.lost, "slow: got + lost")
				switch p {
				case Block, Buffer:
					assert.Zero(t, r.lost+r.fastLost, "nothing is lost")
					assert.Equal(t, n-1, r.lastSlow)
				case Drop:
					assert.Positive(t, r.lost, "the slow one lost values")
					assert.Zero(t, r.fastLost, "the fast one keeps up")
				case Latest:
					assert.Positive(t, r.lost)
					assert.Equal(t, n-1, r.lastSlow, "the slow one still gets the latest value")
				}
				switch p {
				case Block:
					// Paced by the slow subscriber: every value but the
					// last waits for its 4 ms.
					assert.GreaterOrEqual(t, r.took, (n-1)*slow)
				case Buffer:
					// The buffer absorbs the first 16 values' worth of lag.
					assert.Less(t, r.took, (n-1)*slow)
					assert.Greater(t, r.took, n*period)
				case Drop, Latest:
					assert.Equal(t, n*period, r.took, "the publisher never waits")
				}
			})
		})
	}
}

func TestBroadcastCloseEndsSubscribers(t *testing.T) {
	b := NewBroadcaster(Drop, 1)
	s := b.Subscribe()
	require.NoError(t, b.Publish(t.Context(), 1))
	require.NoError(t, b.Publish(t.Context(), 2))
	b.Close()
	var got []int
	for v := range s.C {
		got = append(got, v)
	}
	assert.Equal(t, []int{1}, got)
	assert.Equal(t, 1, s.Lost())
	assert.Equal(t, "latest", Latest.String())
}
