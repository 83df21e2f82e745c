package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Section 3: a queue between a producer and workers is a buffer, and every
// buffer needs a bound and a rule for when it is full. Chapter 05's
// executor had QueueSize and a Policy. Here there are two bounds:
//   - MaxAckPending: how many tasks the server hands out before it waits for
//     acks, over all workers: the pool's size, whatever the number of
//     workers that ask;
//   - the stream's limits (MaxMsgs, MaxBytes, MaxAge) with a discard policy:
//     what happens to a producer that outruns the workers.

// peakConcurrency is the most records whose [Start, End) overlap.
func peakConcurrency(recs []Record) int {
	type edge struct {
		at    int64
		delta int
	}
	var es []edge
	for _, r := range recs {
		es = append(es, edge{r.Start, 1}, edge{r.End, -1})
	}
	slices.SortFunc(es, func(a, b edge) int {
		if a.at != b.at {
			return int(a.at - b.at)
		}
		return a.delta - b.delta // an end before a start at the same instant
	})
	cur, peak := 0, 0
	for _, e := range es {
		cur += e.delta
		peak = max(peak, cur)
	}
	return peak
}

// runInProcess runs `workers` Workers in this process on js until the n
// tasks are done, and returns the outcome.
func runInProcess(ctx context.Context, js jetstream.JetStream, workers, batch int, tasks []Task) (Outcome, error) {
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	for i := 1; i <= workers; i++ {
		wk := &Worker{Name: fmt.Sprintf("w%d", i), JS: js, Batch: batch}
		wg.Go(func() { _ = wk.Run(wctx) })
	}
	if _, err := Publish(ctx, js, tasks); err != nil {
		return Outcome{}, err
	}
	return WaitOutcomes(ctx, js, len(tasks), 30*time.Second)
}

// fetchRate consumes n tiny messages from a fresh stream with Fetch(batch)
// and acks each: the bare cost of moving messages, per batch size.
func fetchRate(ctx context.Context, js jetstream.JetStream, n, batch int) (float64, error) {
	name := fmt.Sprintf("FETCH%d", batch)
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{"fetch." + name}, Retention: jetstream.WorkQueuePolicy, Storage: jetstream.MemoryStorage})
	if err != nil {
		return 0, err
	}
	defer js.DeleteStream(context.WithoutCancel(ctx), name)
	for range n {
		if _, err := js.PublishAsync("fetch."+name, []byte("x")); err != nil {
			return 0, err
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	c, err := s.CreateConsumer(ctx, jetstream.ConsumerConfig{AckPolicy: jetstream.AckExplicitPolicy, MaxAckPending: -1})
	if err != nil {
		return 0, err
	}
	start := time.Now()
	got := 0
	for got < n {
		b, err := c.Fetch(batch, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			return 0, err
		}
		for m := range b.Messages() {
			_ = m.Ack()
			got++
		}
		if err := b.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return 0, err
		}
	}
	// One round trip after the last ack: the server has them all.
	if err := js.Conn().Flush(); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// overflow publishes n tasks into a stream that holds `limit`, with the
// given discard policy, and says what the producer saw.
func overflow(ctx context.Context, js jetstream.JetStream, n, limit int, discard jetstream.DiscardPolicy) (acked, refused int, kept uint64, firstErr error, err error) {
	name := "LIMITED"
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{"limited"}, MaxMsgs: int64(limit), Discard: discard, Storage: jetstream.MemoryStorage})
	if err != nil {
		return 0, 0, 0, nil, err
	}
	defer js.DeleteStream(context.WithoutCancel(ctx), name)
	for i := range n {
		if _, perr := js.Publish(ctx, "limited", fmt.Appendf(nil, "%d", i)); perr != nil {
			refused++
			if firstErr == nil {
				firstErr = perr
			}
		} else {
			acked++
		}
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, 0, 0, nil, err
	}
	return acked, refused, info.State.Msgs, firstErr, nil
}

func showBackpressure(ctx context.Context, w io.Writer) error {
	qc := QueueConfig{MaxAckPending: 3}
	return withQueue(ctx, qc, func(_ string, js jetstream.JetStream) error {
		// MaxAckPending is the pool's bound.
		var tasks []Task
		for id := 1; id <= 18; id++ {
			tasks = append(tasks, Task{ID: id, Op: OpSleep, Ms: 40})
		}
		out, err := runInProcess(ctx, js, 6, 1, tasks)
		if err != nil {
			return err
		}
		var recs []Record
		for _, r := range out.Results {
			recs = append(recs, r)
		}
		say(w, "MaxAckPending %d, 6 workers asking, 18 tasks of 40ms: at most %d ran at once.\n", qc.MaxAckPending, peakConcurrency(recs))
		say(w, "The server handed out %d tasks and waited for acks before handing out more.\n\n", qc.MaxAckPending)

		// Fetch batch size against throughput.
		const n = 2000
		say(w, "Fetch(batch) and ack %d tiny messages, one consumer, memory storage:\n", n)
		for _, batch := range []int{1, 10, 100} {
			rate, err := fetchRate(ctx, js, n, batch)
			if err != nil {
				return err
			}
			say(w, "  batch %3d: %7.0f msgs/s\n", batch, rate)
		}
		say(w, "Each Fetch is a round trip; a bigger batch pays it once for many messages.\n\n")

		// A producer that outruns the workers.
		for _, d := range []jetstream.DiscardPolicy{jetstream.DiscardNew, jetstream.DiscardOld} {
			acked, refused, kept, firstErr, err := overflow(ctx, js, 15, 10, d)
			if err != nil {
				return err
			}
			say(w, "stream of at most 10, %s, 15 published: %d acked, %d refused, %d kept.\n", discardName(d), acked, refused, kept)
			if firstErr != nil {
				say(w, "  the producer saw: %v\n", firstErr)
			}
		}
		say(w, "DiscardNew pushes back on the producer, which must slow down or fail;\n")
		say(w, "DiscardOld accepts everything and silently drops the oldest: a work\n")
		say(w, "queue wants DiscardNew.\n")
		return nil
	})
}

func discardName(d jetstream.DiscardPolicy) string {
	if d == jetstream.DiscardNew {
		return "DiscardNew"
	}
	return "DiscardOld"
}
