//go:build coach

// Wrong: terminates the tasks it gives up on without dead-lettering them, so they vanish.
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
	last := md.NumDelivered >= uint64(maxDeliver)
	if errors.Is(err, ErrMalformed) || last {
		return m.Term()
	}
	return m.NakWithDelay(time.Duration(md.NumDelivered) * 20 * time.Millisecond)
}
