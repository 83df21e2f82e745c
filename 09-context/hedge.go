package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Latency is the backend's long-tail latency for attempt number attempt (0
// the first, 1 the hedge) of request id: 90% take 10-20ms, 8% take
// 50-100ms, 2% take 300-500ms. It is seeded by (id, attempt), so a run is
// the same every time, and a hedge draws its own latency, as a second
// server would.
func Latency(id, attempt int) time.Duration {
	k := uint64(id)<<1 | uint64(attempt&1)
	rnd := rand.New(rand.NewPCG(mix(k), mix(k+1<<62)))
	u := rnd.Float64()
	span := func(lo, hi time.Duration) time.Duration { return lo + time.Duration(rnd.Int64N(int64(hi-lo))) }
	switch {
	case u < 0.90:
		return span(10*time.Millisecond, 20*time.Millisecond)
	case u < 0.98:
		return span(50*time.Millisecond, 100*time.Millisecond)
	default:
		return span(300*time.Millisecond, 500*time.Millisecond)
	}
}

// mix is splitmix64's finalizer: nearby ids get unrelated seeds.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// Backend answers after Latency, or stops early when the caller's context
// ends. It counts the calls it received: its load.
type Backend struct{ Calls atomic.Int64 }

// Get is one call to the backend.
func (b *Backend) Get(ctx context.Context, id, attempt int) error {
	b.Calls.Add(1)
	t := time.NewTimer(Latency(id, attempt))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Hedged calls get once, and once more if the first call has not answered
// after hedgeAfter; the first answer wins and the other call is cancelled.
// hedgeAfter 0 means never hedge. Hedged returns after both calls have
// returned: a cancelled call is waited for, not abandoned.
func Hedged(ctx context.Context, hedgeAfter time.Duration, get func(ctx context.Context, attempt int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	results := make(chan error, 2)
	var wg sync.WaitGroup
	// Cancel first, then wait: the loser stops at once, and is waited for.
	// (Two separate defers would run in the other order, and wait out the
	// loser's whole latency.)
	defer func() {
		cancel()
		wg.Wait()
	}()
	wg.Go(func() { results <- get(ctx, 0) })
	var hedge <-chan time.Time
	if hedgeAfter > 0 {
		t := time.NewTimer(hedgeAfter)
		defer t.Stop()
		hedge = t.C
	}
	inFlight := 1
	for {
		select {
		case err := <-results:
			inFlight--
			if err == nil || inFlight == 0 {
				return err
			}
		case <-hedge:
			hedge = nil
			inFlight++
			wg.Go(func() { results <- get(ctx, 1) })
		}
	}
}

// LoadStats is what a run of n requests measured.
type LoadStats struct {
	P50, P95, P99, Max time.Duration
	Calls              int64 // backend calls: n without hedging, more with
}

// RunLoad sends n requests at once to a fresh Backend, each through Hedged,
// and measures their latencies.
func RunLoad(ctx context.Context, n int, hedgeAfter time.Duration) (LoadStats, error) {
	var b Backend
	lat := make([]time.Duration, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for id := range n {
		wg.Go(func() {
			start := time.Now()
			errs[id] = Hedged(ctx, hedgeAfter, func(ctx context.Context, attempt int) error { return b.Get(ctx, id, attempt) })
			lat[id] = time.Since(start)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return LoadStats{}, err
		}
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[int(p*float64(n-1))] }
	return LoadStats{P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: lat[n-1], Calls: b.Calls.Load()}, nil
}

// P95 is the 95th percentile of the backend's latency over n requests: when
// to hedge. A real service would track it as it runs.
func P95(n int) time.Duration {
	lat := make([]time.Duration, n)
	for i := range n {
		lat[i] = Latency(i+1_000_000, 0) // other ids than the run's
	}
	slices.Sort(lat)
	return lat[int(0.95*float64(n-1))]
}

func showHedging(ctx context.Context, w io.Writer) error {
	after := P95(10_000).Round(time.Millisecond)
	fmt.Fprintf(w, "a backend with a long tail: 90%% 10-20ms, 8%% 50-100ms, 2%% 300-500ms; its p95 is %v\n", after)
	fmt.Fprintf(w, "%d requests at once, on real time:\n", cfg.requests)
	fmt.Fprintf(w, "  %-22s %8s %8s %8s %14s\n", "", "p50", "p95", "p99", "backend calls")
	for _, h := range []struct {
		name  string
		after time.Duration
	}{{"one call each", 0}, {"hedged after p95", after}} {
		s, err := RunLoad(ctx, cfg.requests, h.after)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-22s %8v %8v %8v %7d (%+.0f%%)\n", h.name, s.P50.Round(time.Millisecond), s.P95.Round(time.Millisecond),
			s.P99.Round(time.Millisecond), s.Calls, 100*float64(s.Calls-int64(cfg.requests))/float64(cfg.requests))
	}
	fmt.Fprintln(w, "  exact numbers, on synctest's clock: go test -run 'TestHedgingNumbers$' -v ./09-context")
	return ctx.Err()
}
