// Command lockstep is broken on purpose: clients that fail together retry
// together. Its backoff doubles the wait each time, which is right, but adds
// no jitter, so every rejected client comes back at the same instant, and
// the server, which could serve them all if they were spread out, turns
// most of them away again, wave after wave.
//
// It runs the herd on a virtual clock (package herd), so the waves are the
// same every run.
//
//	go run ./09-context/lockstep
package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/gocourse/concurrency/09-context/herd"
	"github.com/gocourse/concurrency/internal/lesson"
)

// backoff is the bug: 10ms, 20ms, 40ms, ... and the same for every client.
func backoff(attempt int, _ *rand.Rand) time.Duration {
	return min(10*time.Millisecond<<(attempt-1), time.Second)
}

func main() {
	var clients int
	f := lesson.NewFlags("09-context/lockstep", "retries with no jitter: a synchronized herd")
	f.Int(&clients, "clients", 100, 10, 100_000, "clients that fail at once")
	f.MustParse(os.Args[1:])

	r := herd.Simulate(clients, 10, 10*time.Millisecond, backoff, 1)
	fmt.Printf("%d clients, a server of 10 requests per 10ms window, backoff 10ms doubling, no jitter:\n", clients)
	for _, w := range r.Waves {
		fmt.Printf("  at %6v: %3d arrive in the same window, %3d rejected\n", w.At, w.Arrived, w.Rejected)
	}
	fmt.Printf("drained after %v, %d rejections: every wave is the whole herd at once\n", r.Drain, r.Rejected)
	os.Exit(1)
}
