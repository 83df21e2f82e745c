//go:build coach

// Exercise 11.2: a pool bounded by the server.
//
// Five worker goroutines (on five machines, as far as the server knows)
// share one consumer. The pool's bound is not the number of workers: it is
// the consumer's MaxAckPending, how many tasks the server hands out and
// waits to hear back about, whoever asks. And a task counts as handed out
// until it is acked, so where the ack goes decides what the bound bounds.
//
// TODO: make at most limit tasks run at once, however many workers ask, and
// lose no task when a worker is stopped mid-task (ctx cancelled: do returns
// an error and the task must come back to be done again).
package bound

import (
	"context"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
)

// Consumer creates the durable consumer "workers" on stream.
func Consumer(ctx context.Context, js jetstream.JetStream, stream string, limit int) (jetstream.Consumer, error) {
	return js.CreateOrUpdateConsumer(ctx, stream, jetstream.ConsumerConfig{
		Durable:   "workers",
		AckPolicy: jetstream.AckExplicitPolicy,
	})
}

// Work runs workers goroutines, each taking one task at a time from cons
// and calling do with its payload, until ctx is done. do returns an error
// when it could not finish the task (ctx was cancelled under it).
func Work(ctx context.Context, cons jetstream.Consumer, workers int, do func(ctx context.Context, payload []byte) error) {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			it, err := cons.Messages(jetstream.PullMaxMessages(1))
			if err != nil {
				return
			}
			defer it.Stop()
			for {
				m, err := it.Next(jetstream.NextContext(ctx))
				if ctx.Err() != nil {
					return
				}
				if err != nil {
					continue
				}
				_ = m.Ack()
				_ = do(ctx, m.Data())
			}
		})
	}
	wg.Wait()
}
