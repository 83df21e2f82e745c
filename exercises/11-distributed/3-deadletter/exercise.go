//go:build coach

// Exercise 11.3: a dead-letter queue.
//
// A task that fails is handed back (Nak) and delivered again, up to the
// consumer's MaxDeliver. After that the server stops delivering it and says
// so only in an advisory nobody reads: the task is silently dropped. A
// payload that cannot be parsed fails on every delivery, and retrying it
// only wastes them.
//
// TODO: when do fails,
//   - with ErrMalformed: dead-letter the task at once (deadLetter), then Term
//     it so it is never delivered again;
//   - on the last delivery (md.NumDelivered >= maxDeliver): dead-letter it,
//     then Term it;
//   - otherwise: hand it back with NakWithDelay (a short, growing delay).
//
// Each task that is given up on must be dead-lettered exactly once, with
// its delivery count.
package deadletter

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ErrMalformed marks a payload that no retry can fix.
var ErrMalformed = errors.New("malformed task")

// DeadSubject is where tasks go that the workers gave up on. A stream
// stores it, so the dead letters can be looked at, fixed and resubmitted.
const DeadSubject = "dead.tasks"

// deadLetter publishes m's payload to DeadSubject with the headers
// Delivered (how many deliveries it had) and Reason, and waits for the
// stream to store it.
func deadLetter(ctx context.Context, js jetstream.JetStream, m jetstream.Msg, delivered uint64, reason error) error {
	dl := nats.NewMsg(DeadSubject)
	dl.Data = m.Data()
	dl.Header.Set("Delivered", strconv.FormatUint(delivered, 10))
	dl.Header.Set("Reason", reason.Error())
	_, err := js.PublishMsg(ctx, dl)
	return err
}

var _ = deadLetter // here for Handle to use

// Handle handles one delivery of m: do does the work. maxDeliver is the
// consumer's MaxDeliver.
func Handle(ctx context.Context, js jetstream.JetStream, m jetstream.Msg, maxDeliver int, do func(payload []byte) error) error {
	md, err := m.Metadata()
	if err != nil {
		return err
	}
	err = do(m.Data())
	if err == nil {
		return m.Ack()
	}
	_ = md
	return m.NakWithDelay(20 * time.Millisecond)
}
