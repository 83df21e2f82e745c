package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// A Policy says what Publish does when a subscriber has not taken the last
// values yet.
type Policy int

const (
	// Block waits until every subscriber has taken the value: nothing is
	// lost, and the slowest subscriber sets everyone's pace.
	Block Policy = iota
	// Buffer gives each subscriber a bounded buffer and blocks only when a
	// buffer is full: bursts are absorbed, a steady slow reader still
	// slows everyone down once its buffer fills.
	Buffer
	// Drop skips a subscriber whose buffer is full and counts what it lost:
	// the publisher never waits.
	Drop
	// Latest keeps only the newest value for a subscriber that is behind:
	// the publisher never waits, and a reader always gets the latest news.
	Latest
)

func (p Policy) String() string {
	return [...]string{"block", "buffer", "drop", "latest"}[p]
}

// A Broadcaster sends every published value to every subscriber.
//
// Subscribe, Publish and Close must be called from one goroutine (the
// producer's); each subscriber's channel is read from its own goroutine.
// Close closes every subscriber's channel, so their range loops end.
type Broadcaster struct {
	policy Policy
	buf    int
	subs   []*Subscription
}

// A Subscription is one subscriber's channel and what it lost.
type Subscription struct {
	C    <-chan int
	c    chan int
	lost int // written by the producer only; read it after Close
}

// Lost is how many values this subscriber never got. Read it after Close.
func (s *Subscription) Lost() int { return s.lost }

// NewBroadcaster returns a broadcaster with the given policy. buf is each
// subscriber's buffer for Buffer and Drop; Block uses none, Latest one.
func NewBroadcaster(p Policy, buf int) *Broadcaster {
	switch p {
	case Block:
		buf = 0
	case Latest:
		buf = 1
	}
	return &Broadcaster{policy: p, buf: buf}
}

// Subscribe adds a subscriber.
func (b *Broadcaster) Subscribe() *Subscription {
	c := make(chan int, b.buf)
	s := &Subscription{C: c, c: c}
	b.subs = append(b.subs, s)
	return s
}

// Publish sends v to every subscriber as the policy says. With Block and
// Buffer it may wait; it returns ctx.Err() if ctx is done first.
func (b *Broadcaster) Publish(ctx context.Context, v int) error {
	for _, s := range b.subs {
		switch b.policy {
		case Block, Buffer:
			if err := send(ctx, s.c, v); err != nil {
				return err
			}
		case Drop:
			select {
			case s.c <- v:
			default:
				s.lost++
			}
		case Latest:
			select {
			case s.c <- v:
			default:
				// Full: take the stale value out and put the new one in.
				// Only this goroutine sends, so after the take there is
				// room, even if the reader took the stale value first.
				select {
				case <-s.c:
					s.lost++
				default:
				}
				s.c <- v
			}
		}
	}
	return nil
}

// Close ends every subscription.
func (b *Broadcaster) Close() {
	for _, s := range b.subs {
		close(s.c)
	}
}

// A broadcastRun is what one policy did.
type broadcastRun struct {
	policy                   Policy
	took                     time.Duration // how long publishing every value took
	fast, slow               int           // values each subscriber received
	fastLost, lost           int           // values each subscriber never got
	lastSlow                 int           // the last value the slow subscriber saw
	fastInOrder, slowInOrder bool          // each saw its values in increasing order
}

// runBroadcast publishes values 0..n-1, one every period, to a fast
// subscriber (no work) and a slow one (slowWork per value), and reports
// what each got.
func runBroadcast(ctx context.Context, p Policy, buf, n int, period, slowWork time.Duration) (broadcastRun, error) {
	b := NewBroadcaster(p, buf)
	fast, slow := b.Subscribe(), b.Subscribe()
	r := broadcastRun{policy: p, fastInOrder: true, slowInOrder: true, lastSlow: -1}
	var wg sync.WaitGroup
	wg.Go(func() {
		prev := -1
		for v := range fast.C {
			r.fast++
			r.fastInOrder = r.fastInOrder && v > prev
			prev = v
		}
	})
	wg.Go(func() {
		for v := range slow.C {
			r.slow++
			r.slowInOrder = r.slowInOrder && v > r.lastSlow
			r.lastSlow = v
			time.Sleep(slowWork) // the slow subscriber's work
		}
	})
	start := time.Now()
	var err error
	for v := range n {
		if err = b.Publish(ctx, v); err != nil {
			break
		}
		if period > 0 {
			time.Sleep(period)
		}
	}
	r.took = time.Since(start)
	b.Close()
	wg.Wait()
	r.lost, r.fastLost = slow.Lost(), fast.Lost()
	return r, err
}

func showBroadcast(ctx context.Context, w io.Writer) error {
	const (
		buf      = 16
		period   = time.Millisecond
		slowWork = 4 * time.Millisecond
	)
	fmt.Fprintf(w, "%d values, one every %v; a fast subscriber and a slow one (%v a value); buffers of %d\n",
		cfg.values, period, slowWork, buf)
	fmt.Fprintln(w, "policy   publishing took   fast got   slow got   slow lost   slow's last value")
	for _, p := range []Policy{Block, Buffer, Drop, Latest} {
		r, err := runBroadcast(ctx, p, buf, cfg.values, period, slowWork)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-8s %15v   %8d   %8d   %9d   %17d\n",
			p, r.took.Round(time.Millisecond), r.fast, r.slow, r.lost, r.lastSlow)
	}
	return nil
}
