//go:build coach

// Wrong: records with Put, so a task done twice is recorded twice.
package idempotent

import (
	"context"
	"strconv"

	"github.com/nats-io/nats.go/jetstream"
)

// Key is a task's key in the results bucket.
func Key(id int) string { return "task." + strconv.Itoa(id) }

// Handle does the work, writes the result and acks.
func Handle(ctx context.Context, m jetstream.Msg, results jetstream.KeyValue, work func(id int) []byte) error {
	id, err := strconv.Atoi(string(m.Data()))
	if err != nil {
		return m.Term()
	}
	if _, err := results.Put(ctx, Key(id), work(id)); err != nil {
		return err
	}
	return m.Ack()
}
