package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/gocourse/concurrency/09-context/herd"
)

// The herd's server and backoff, in the lesson and on the page.
const (
	herdCapacity = 10                      // requests the server serves per window
	herdWindow   = 10 * time.Millisecond   // the server's window
	herdBase     = 10 * time.Millisecond   // the first retry's delay
	herdMax      = 1000 * time.Millisecond // no wait is longer
)

// showRetries simulates a thundering herd under three backoff policies, then
// retries for real with a context that ends in the middle of a wait.
func showRetries(ctx context.Context, w io.Writer) error {
	fmt.Fprintf(w, "%d clients fail at once against a server of %d requests per %v; backoff from %v, at most %v\n",
		cfg.clients, herdCapacity, herdWindow, herdBase, herdMax)
	fmt.Fprintln(w, "  (a simulation on a virtual clock: the same numbers every run)")
	fmt.Fprintf(w, "  %-13s %9s %9s %11s\n", "policy", "requests", "rejected", "drained in")
	for _, p := range policies() {
		r := herd.Simulate(cfg.clients, herdCapacity, herdWindow, p.policy, 1)
		fmt.Fprintf(w, "  %-13s %9d %9d %11v\n", p.name, r.Requests, r.Rejected, r.Drain.Round(time.Millisecond))
	}

	// Retry for real: an operation that fails twice, then succeeds.
	fails := 2
	start := time.Now()
	rnd := rand.New(rand.NewPCG(1, 2))
	err := herd.Retry(ctx, 5, herd.FullJitter(herdBase, herdMax), rnd, func(context.Context) error {
		if fails > 0 {
			fails--
			return errors.New("503")
		}
		return nil
	})
	fmt.Fprintf(w, "retry, full jitter: fails twice, then succeeds: err=%v after %v\n", err, time.Since(start).Round(10*time.Millisecond))
	// A deadline in the middle of a one-second wait: Retry returns then, not
	// a second later.
	short, cancel := context.WithTimeoutCause(ctx, 50*time.Millisecond, errors.New("caller's 50ms deadline"))
	defer cancel()
	start = time.Now()
	err = herd.Retry(short, 5, herd.Exponential(time.Second, time.Second), rnd, func(context.Context) error { return errors.New("503") })
	fmt.Fprintf(w, "retry with 1s waits under a 50ms deadline: %v, after %v\n", err, time.Since(start).Round(10*time.Millisecond))
	return ctx.Err()
}

type namedPolicy struct {
	name   string
	policy herd.Policy
}

func policies() []namedPolicy {
	return []namedPolicy{
		{"no jitter", herd.Exponential(herdBase, herdMax)},
		{"full jitter", herd.FullJitter(herdBase, herdMax)},
		{"equal jitter", herd.EqualJitter(herdBase, herdMax)},
	}
}
