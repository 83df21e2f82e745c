//go:build coach

// Wrong: acks before working, so a worker killed mid-task loses the task.
package idempotent

import (
	"context"
	"errors"
	"strconv"

	"github.com/nats-io/nats.go/jetstream"
)

// Key is a task's key in the results bucket.
func Key(id int) string { return "task." + strconv.Itoa(id) }

// Handle acks at once, then does the work and records it once.
func Handle(ctx context.Context, m jetstream.Msg, results jetstream.KeyValue, work func(id int) []byte) error {
	id, err := strconv.Atoi(string(m.Data()))
	if err != nil {
		return m.Term()
	}
	if err := m.Ack(); err != nil {
		return err
	}
	if _, err := results.Create(ctx, Key(id), work(id)); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return err
	}
	return nil
}
