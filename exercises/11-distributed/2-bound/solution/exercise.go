//go:build coach

// Exercise 11.2: a pool bounded by the server (solution).
package bound

import (
	"context"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
)

// Consumer creates the durable consumer "workers" on stream, with explicit
// acks and at most limit tasks handed out and not yet acked.
func Consumer(ctx context.Context, js jetstream.JetStream, stream string, limit int) (jetstream.Consumer, error) {
	return js.CreateOrUpdateConsumer(ctx, stream, jetstream.ConsumerConfig{
		Durable:       "workers",
		AckPolicy:     jetstream.AckExplicitPolicy,
		MaxAckPending: limit,
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
				if err := do(ctx, m.Data()); err != nil {
					_ = m.Nak() // not done: let it come back
					continue
				}
				_ = m.Ack() // only now may the server forget it
			}
		})
	}
	wg.Wait()
}
