//go:build coach

// Exercise 11.1: a worker whose duplicates are harmless (solution).
package idempotent

import (
	"context"
	"errors"
	"strconv"

	"github.com/nats-io/nats.go/jetstream"
)

// Key is a task's key in the results bucket.
func Key(id int) string { return "task." + strconv.Itoa(id) }

// Handle does the work, records the result with Create (which succeeds only
// if the key has no revision yet: a compare-and-set on revision 0), and
// acks last.
func Handle(ctx context.Context, m jetstream.Msg, results jetstream.KeyValue, work func(id int) []byte) error {
	id, err := strconv.Atoi(string(m.Data()))
	if err != nil {
		return m.Term()
	}
	result := work(id)
	if _, err := results.Create(ctx, Key(id), result); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return err // not recorded: no ack, so the task comes back
	}
	return m.Ack()
}
