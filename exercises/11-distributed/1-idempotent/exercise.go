//go:build coach

// Exercise 11.1: a worker whose duplicates are harmless.
//
// A JetStream work queue delivers every task at least once: when a worker's
// ack does not arrive (the worker died, the ack was lost), the server hands
// the task out again after AckWait, and the work is done twice. Handle is
// one worker's handling of one delivered task.
//
// TODO: make Handle correct under redelivery:
//   - do the work (Work) before anything tells the server the task is done;
//   - record the result in results under Key(id) so that a task done twice
//     is recorded once: the second result is refused, not added;
//   - then ack, also when the result was already there (otherwise the task
//     comes back for ever).
//
// Return an error only when something failed (then do not ack: the task
// will come back).
package idempotent

import (
	"context"
	"strconv"

	"github.com/nats-io/nats.go/jetstream"
)

// Key is a task's key in the results bucket.
func Key(id int) string { return "task." + strconv.Itoa(id) }

// Handle handles one delivery of the task m: its payload is the task's id in
// decimal. work does the task and returns its result.
func Handle(ctx context.Context, m jetstream.Msg, results jetstream.KeyValue, work func(id int) []byte) error {
	id, err := strconv.Atoi(string(m.Data()))
	if err != nil {
		return m.Term()
	}
	_ = id
	return m.Ack()
}
