// Package herd is retries with exponential backoff, with and without jitter,
// and a simulation of a thundering herd: many clients that all fail at once
// against a server of fixed capacity, and retry.
//
// What it guarantees:
//   - Exponential, FullJitter and EqualJitter never return more than their
//     cap, and never less than zero; with the same *rand.Rand state they
//     return the same delays.
//   - Retry waits between attempts with a timer and the context in one
//     select: it returns ctx's cause as soon as ctx ends, even in the middle
//     of a wait, and never calls op again after that.
//   - Simulate is deterministic: the same arguments give the same Result. It
//     runs on a virtual clock, so it takes no real time.
package herd

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// A Policy is the delay before retry number attempt (1 for the first retry).
type Policy func(attempt int, rnd *rand.Rand) time.Duration

// exp is base doubled attempt-1 times, at most max.
func exp(attempt int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// Exponential doubles the delay each attempt, from base up to max, with no
// jitter: clients that failed together retry together.
func Exponential(base, max time.Duration) Policy {
	return func(attempt int, _ *rand.Rand) time.Duration { return exp(attempt, base, max) }
}

// FullJitter picks the delay uniformly in [0, exp): clients spread over the
// whole interval.
func FullJitter(base, max time.Duration) Policy {
	return func(attempt int, rnd *rand.Rand) time.Duration {
		return time.Duration(rnd.Int64N(int64(exp(attempt, base, max))))
	}
}

// EqualJitter waits half of exp, plus a random part of the other half: never
// sooner than exp/2, so a client cannot hammer the server.
func EqualJitter(base, max time.Duration) Policy {
	return func(attempt int, rnd *rand.Rand) time.Duration {
		half := exp(attempt, base, max) / 2
		return half + time.Duration(rnd.Int64N(int64(half)+1))
	}
}

// ErrGaveUp wraps the last error when Retry runs out of attempts.
var ErrGaveUp = errors.New("gave up")

// Retry calls op until it succeeds, up to attempts times, waiting
// p(1), p(2), ... between calls. A wait ends early when ctx does: Retry then
// returns context.Cause(ctx) at once.
func Retry(ctx context.Context, attempts int, p Policy, rnd *rand.Rand, op func(context.Context) error) error {
	var err error
	for a := 1; ; a++ {
		if err = op(ctx); err == nil {
			return nil
		}
		if a == attempts {
			return fmt.Errorf("%w after %d attempts: %w", ErrGaveUp, a, err)
		}
		t := time.NewTimer(p(a, rnd))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return context.Cause(ctx)
		}
	}
}

// Result is what a simulated herd did.
type Result struct {
	Requests int           // every attempt, served or not
	Rejected int           // attempts the server turned away
	Drain    time.Duration // from the start until the last client was served
	Peak     int           // the most attempts that arrived in one window
	Waves    []Wave        // the windows in which attempts arrived, in order
}

// A Wave is the attempts that arrived in one window of the server.
type Wave struct {
	At       time.Duration // the window's start
	Arrived  int
	Rejected int
}

// Simulate runs clients that all send their first request at time zero to a
// server that serves at most capacity requests in each window of time; the
// rest are rejected, and each rejected client waits p(attempt) and tries
// again, until all are served. seed fixes the jitter.
func Simulate(clients, capacity int, window time.Duration, p Policy, seed uint64) Result {
	rnd := rand.New(rand.NewPCG(seed, 0))
	q := &arrivals{}
	for c := range clients {
		heap.Push(q, arrival{at: 0, client: c, attempt: 1})
	}
	served := map[int64]int{}
	var res Result
	for q.Len() > 0 {
		a := heap.Pop(q).(arrival)
		w := int64(a.at / window)
		res.Requests++
		if n := len(res.Waves); n == 0 || res.Waves[n-1].At != time.Duration(w)*window {
			res.Waves = append(res.Waves, Wave{At: time.Duration(w) * window})
		}
		wave := &res.Waves[len(res.Waves)-1]
		wave.Arrived++
		res.Peak = max(res.Peak, wave.Arrived)
		if served[w] < capacity {
			served[w]++
			res.Drain = max(res.Drain, a.at)
			continue
		}
		res.Rejected++
		wave.Rejected++
		heap.Push(q, arrival{at: a.at + p(a.attempt, rnd), client: a.client, attempt: a.attempt + 1})
	}
	return res
}

type arrival struct {
	at      time.Duration
	client  int
	attempt int
}

// arrivals is a min-heap by time, then client, so ties break the same way
// every run.
type arrivals []arrival

func (q arrivals) Len() int { return len(q) }
func (q arrivals) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].client < q[j].client
}
func (q arrivals) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *arrivals) Push(x any)   { *q = append(*q, x.(arrival)) }
func (q *arrivals) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}
