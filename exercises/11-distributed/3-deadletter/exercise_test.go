//go:build coach

package deadletter

// Rejects:
//   - term-only: terminates without dead-lettering, so a failed task vanishes
//   - dead-every-failure: dead-letters every failed delivery, so one task is dead-lettered three times

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func startServer(t *testing.T) jetstream.JetStream {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	require.NoError(t, err)
	s.Start()
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	require.True(t, s.ReadyForConnections(10*time.Second), "the NATS server did not start")
	nc, err := nats.Connect(s.ClientURL())
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	return js
}

// A good task, a poison one (fails every time) and a malformed one. With
// MaxDeliver 3, the poison task is delivered three times and then
// dead-lettered with Delivered 3; the malformed one is dead-lettered on its
// first delivery; the good one is acked. Each dead letter exactly once.
func TestGivenUpTasksAreDeadLetteredOnce(t *testing.T) {
	ctx := t.Context()
	js := startServer(t)
	_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "TASKS", Subjects: []string{"tasks"}, Retention: jetstream.WorkQueuePolicy})
	require.NoError(t, err)
	dead, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "DEAD", Subjects: []string{DeadSubject}})
	require.NoError(t, err)
	const maxDeliver = 3
	cons, err := js.CreateOrUpdateConsumer(ctx, "TASKS", jetstream.ConsumerConfig{Durable: "workers", AckPolicy: jetstream.AckExplicitPolicy, AckWait: time.Second, MaxDeliver: maxDeliver})
	require.NoError(t, err)
	for _, p := range []string{"good", "poison", "malformed"} {
		_, err := js.Publish(ctx, "tasks", []byte(p))
		require.NoError(t, err)
	}
	calls := map[string]int{}
	do := func(p []byte) error {
		calls[string(p)]++
		switch string(p) {
		case "poison":
			return errors.New("poison: fails every time")
		case "malformed":
			return fmt.Errorf("%w: cannot parse %q", ErrMalformed, p)
		}
		return nil
	}
	deadline := time.Now().Add(8 * time.Second)
	for time.Now().Before(deadline) {
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(100*time.Millisecond))
		require.NoError(t, err)
		for m := range batch.Messages() {
			assert.NoError(t, Handle(ctx, js, m, maxDeliver, do))
		}
		info, err := cons.Info(ctx)
		require.NoError(t, err)
		if info.NumPending == 0 && info.NumAckPending == 0 && calls["poison"] >= maxDeliver {
			break
		}
	}
	assert.Equal(t, maxDeliver, calls["poison"], "the poison task is delivered MaxDeliver times")
	assert.Equal(t, 1, calls["malformed"], "a malformed task is not retried")

	letters := readAll(ctx, t, dead)
	got := map[string][]string{}
	for _, m := range letters {
		got[string(m.Data())] = append(got[string(m.Data())], m.Headers().Get("Delivered"))
		assert.NotEmpty(t, m.Headers().Get("Reason"), "dead letter %s has no Reason", m.Data())
	}
	for task, delivered := range map[string]string{"poison": "3", "malformed": "1"} {
		switch n := len(got[task]); {
		case n == 0:
			t.Errorf("no dead letter for the %s task: a task given up on must not vanish", task)
		case n > 1:
			t.Errorf("the %s task was dead-lettered %d times (Delivered %v): once, when given up on", task, n, got[task])
		default:
			assert.Equal(t, delivered, got[task][0], "Delivered header of the %s task's dead letter", task)
		}
	}
	assert.Empty(t, got["good"], "the good task is not a dead letter")
}

func readAll(ctx context.Context, t *testing.T, s jetstream.Stream) []jetstream.Msg {
	info, err := s.Info(ctx)
	require.NoError(t, err)
	n := int(info.State.Msgs)
	if n == 0 {
		return nil
	}
	c, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	require.NoError(t, err)
	batch, err := c.Fetch(n, jetstream.FetchMaxWait(2*time.Second))
	require.NoError(t, err)
	var out []jetstream.Msg
	for m := range batch.Messages() {
		out = append(out, m)
	}
	return out
}
