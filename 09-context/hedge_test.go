package main

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHedgingNumbers is the page's hedging table: 10,000 requests on
// synctest's clock, so the latencies are exactly the backend's and the same
// every run. Run it with -v to see the table (10,000 requests; 2,000 under
// the race detector, which makes it ten times slower).
func TestHedgingNumbers(t *testing.T) {
	n := 10_000
	if raceEnabled {
		n = 2_000
	}
	synctest.Test(t, func(t *testing.T) {
		after := P95(n)
		plain, err := RunLoad(t.Context(), n, 0)
		require.NoError(t, err)
		hedged, err := RunLoad(t.Context(), n, after)
		require.NoError(t, err)
		t.Logf("%d requests, hedge after p95 = %v", n, ms(after))
		t.Logf("%-18s %8s %8s %8s %8s %14s", "", "p50", "p95", "p99", "max", "backend calls")
		for _, r := range []struct {
			name string
			s    LoadStats
		}{{"one call each", plain}, {"hedged after p95", hedged}} {
			t.Logf("%-18s %8v %8v %8v %8v %6d (%+.1f%%)", r.name, ms(r.s.P50), ms(r.s.P95), ms(r.s.P99), ms(r.s.Max), r.s.Calls, 100*float64(r.s.Calls-int64(n))/float64(n))
		}
		assert.Less(t, hedged.P99, plain.P99/2, "hedging cuts the tail")
		assert.Equal(t, plain.P50, hedged.P50, "and leaves the middle alone")
		assert.InDelta(t, 0.05, float64(hedged.Calls-int64(n))/float64(n), 0.02, "at the cost of about 5% more calls")
	})
}

// The first answer wins, the loser is cancelled at once and waited for:
// Hedged returns at the winner's time, with no goroutine left.
func TestHedgedCancelsAndWaitsForTheLoser(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var loserErr error
		start := time.Now()
		err := Hedged(t.Context(), 10*time.Millisecond, func(ctx context.Context, attempt int) error {
			d := map[int]time.Duration{0: time.Hour, 1: 5 * time.Millisecond}[attempt]
			select {
			case <-time.After(d):
				return nil
			case <-ctx.Done():
				loserErr = ctx.Err()
				return ctx.Err()
			}
		})
		require.NoError(t, err)
		assert.Equal(t, 15*time.Millisecond, time.Since(start), "hedge sent at 10ms, answered 5ms later")
		assert.ErrorIs(t, loserErr, context.Canceled, "the loser was cancelled before Hedged returned")
	})
}

func TestHedgedWithoutHedgingAndOnError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		calls := 0
		boom := errors.New("boom")
		err := Hedged(t.Context(), 0, func(ctx context.Context, attempt int) error {
			calls++
			time.Sleep(time.Second)
			return boom
		})
		assert.ErrorIs(t, err, boom)
		assert.Equal(t, 1, calls, "hedgeAfter 0 never hedges")
	})
}

func ms(d time.Duration) time.Duration { return d.Round(100 * time.Microsecond) }
