package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"golang.org/x/time/rate"
)

// showRateLimit shows x/time/rate's token bucket, then measures the rate
// that it and a hand-rolled ticker limiter achieve.
func showRateLimit(ctx context.Context, w io.Writer) error {
	// A token bucket: tokens drip in at r a second, up to burst of them
	// saved. Allow takes one now or says no; Wait blocks until one is there;
	// Reserve books one and says how long until it is due.
	lim := rate.NewLimiter(rate.Limit(cfg.rate), 5)
	allowed := 0
	for range 10 {
		if lim.Allow() {
			allowed++
		}
	}
	fmt.Fprintf(w, "limiter %v/s, burst 5: 10 Allow() calls at once let %d through\n", cfg.rate, allowed)
	r := lim.Reserve()
	fmt.Fprintf(w, "  Reserve() with the bucket empty: ok=%v, due in about %v\n", r.OK(), r.Delay().Round(time.Millisecond))
	r.Cancel() // give the token back: we will not act on it

	short, cancel := context.WithTimeout(ctx, time.Microsecond)
	defer cancel()
	fmt.Fprintf(w, "  Wait() with a 1µs deadline: %v\n", lim.Wait(short))

	n := max(int(cfg.rate*0.4), 3)
	for _, burst := range []int{1, max(1, int(cfg.rate/10))} {
		got, err := achievedRate(ctx, n, emptyLimiter(cfg.rate, burst).Wait)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%d events through x/time/rate at %v/s, burst %d: achieved %.1f/s\n", n, cfg.rate, burst, got)
	}
	fmt.Fprintln(w, "  (burst 1 loses every late wake-up for good; a burst of 100ms worth lets the next calls catch up)")
	tl := NewTickerLimiter(cfg.rate)
	defer tl.Stop()
	got, err := achievedRate(ctx, n, tl.Wait)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d events through a time.Ticker at %v/s: achieved %.1f/s\n", n, cfg.rate, got)
	fmt.Fprintln(w, "  (short runs on a shared machine; the 2 s comparison and the cost of each are benchmarks)")
	return nil
}

// emptyLimiter is a limiter of r a second and the given burst that starts
// with no tokens saved, so a measurement starts with no free events.
func emptyLimiter(r float64, burst int) *rate.Limiter {
	lim := rate.NewLimiter(rate.Limit(r), burst)
	lim.AllowN(time.Now(), burst)
	return lim
}

// achievedRate calls wait n times and returns the events a second between
// the first and the last: n-1 intervals.
func achievedRate(ctx context.Context, n int, wait func(context.Context) error) (float64, error) {
	var start time.Time
	for i := range n {
		if err := wait(ctx); err != nil {
			return 0, err
		}
		if i == 0 {
			start = time.Now()
		}
	}
	return float64(n-1) / time.Since(start).Seconds(), nil
}

// TickerLimiter is the hand-rolled limiter: one event per tick of a
// time.Ticker. It has no burst, and it cannot give back a tick it did not
// use. Stop it when done.
type TickerLimiter struct{ t *time.Ticker }

// NewTickerLimiter returns a limiter of r events a second.
func NewTickerLimiter(r float64) *TickerLimiter {
	return &TickerLimiter{time.NewTicker(time.Duration(float64(time.Second) / r))}
}

// Wait blocks until the next tick or until ctx ends.
func (l *TickerLimiter) Wait(ctx context.Context) error {
	select {
	case <-l.t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stop releases the ticker.
func (l *TickerLimiter) Stop() { l.t.Stop() }
