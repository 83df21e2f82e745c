//go:build coach

package idempotent

// Rejects:
//   - put-twice: records with Put, so a redelivered task is recorded twice
//   - ack-first: acks before the work, so a worker killed mid-task loses it

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
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

// startServer starts an embedded NATS server with JetStream for one test and
// waits for its shutdown at the end.
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

// lostAck is a delivery whose ack never reaches the server, as when a
// worker dies right after sending it: the server delivers the task again.
type lostAck struct{ jetstream.Msg }

func (lostAck) Ack() error { return nil }

var errKilled = errors.New("worker killed mid-task")

// Six tasks. The first delivery of task 3 is killed in the middle of its
// work (a panic, as far as Handle can tell, it never returns); every other
// first delivery loses its ack. So every task is delivered at least twice:
// each must end with exactly one recorded result, and acked.
func TestRedeliveredTasksAreRecordedOnce(t *testing.T) {
	ctx := t.Context()
	js := startServer(t)
	_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "TASKS", Subjects: []string{"tasks"}, Retention: jetstream.WorkQueuePolicy})
	require.NoError(t, err)
	cons, err := js.CreateOrUpdateConsumer(ctx, "TASKS", jetstream.ConsumerConfig{Durable: "workers", AckPolicy: jetstream.AckExplicitPolicy, AckWait: 300 * time.Millisecond, MaxDeliver: 5})
	require.NoError(t, err)
	results, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "results", History: 10})
	require.NoError(t, err)
	const n = 6
	for id := 1; id <= n; id++ {
		_, err := js.Publish(ctx, "tasks", []byte(strconv.Itoa(id)))
		require.NoError(t, err)
	}

	var mu sync.Mutex
	done := map[int]int{}
	work := func(id int) []byte {
		mu.Lock()
		done[id]++
		first := done[id] == 1
		mu.Unlock()
		if id == 3 && first {
			panic(errKilled)
		}
		return fmt.Appendf(nil, "%d", id*id)
	}
	handle := func(m jetstream.Msg) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r != errKilled {
					panic(r)
				}
				err = errKilled
			}
		}()
		return Handle(ctx, m, results, work)
	}

	deadline := time.Now().Add(8 * time.Second)
	for time.Now().Before(deadline) {
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(100*time.Millisecond))
		require.NoError(t, err)
		for m := range batch.Messages() {
			md, err := m.Metadata()
			require.NoError(t, err)
			if md.NumDelivered == 1 && string(m.Data()) != "3" {
				m = lostAck{m}
			}
			if err := handle(m); err != nil && !errors.Is(err, errKilled) {
				t.Errorf("Handle(task %s): %v", m.Data(), err)
			}
		}
		if settled(ctx, t, cons) {
			break
		}
	}

	for id := 1; id <= n; id++ {
		hist, err := results.History(ctx, Key(id))
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			t.Errorf("task %d lost: no result recorded (was it acked before its work was done?)", id)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, 1, len(hist), "task %d recorded %d times (revisions of %s): a duplicate must be refused, not added", id, len(hist), Key(id))
		assert.Equal(t, fmt.Sprint(id*id), string(hist[len(hist)-1].Value()), "task %d's result", id)
	}
	assert.True(t, settled(ctx, t, cons), "tasks still waiting for an ack: a duplicate must be acked too")
	mu.Lock()
	defer mu.Unlock()
	for id := 1; id <= n; id++ {
		assert.GreaterOrEqual(t, done[id], 2, "task %d should have been delivered (and done) twice", id)
	}
}

// settled says whether the consumer holds nothing: no task waiting, none
// delivered and unacked.
func settled(ctx context.Context, t *testing.T, cons jetstream.Consumer) bool {
	info, err := cons.Info(ctx)
	require.NoError(t, err)
	return info.NumPending == 0 && info.NumAckPending == 0
}
