//go:build coach

package bound

// Rejects:
//   - no-limit: leaves MaxAckPending at its default, so five tasks run at once
//   - ack-first: acks before the work: more run at once, and a stopped worker loses its task

import (
	"context"
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

// Ten tasks, five workers, a bound of two. Every task blocks until the test
// opens the gate. First: two start, and in the next half second no third
// may start. Then the workers are stopped (their context cancelled) with two
// tasks in the middle of their work; a new set of workers with the gate open
// must then finish all ten, the two interrupted ones included.
func TestAtMostLimitAndNothingLost(t *testing.T) {
	const n, workers, limit = 10, 5, 2
	ctx := t.Context()
	js := startServer(t)
	_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "TASKS", Subjects: []string{"tasks"}, Retention: jetstream.WorkQueuePolicy})
	require.NoError(t, err)
	cons, err := Consumer(ctx, js, "TASKS", limit)
	require.NoError(t, err)
	// A short AckWait, so that a task whose ack never comes is back soon, but
	// longer than the half second the test holds the first tasks.
	info, err := cons.Info(ctx)
	require.NoError(t, err)
	cfg := info.Config
	cfg.AckWait = 1500 * time.Millisecond
	cons, err = js.UpdateConsumer(ctx, "TASKS", cfg)
	require.NoError(t, err)
	for id := 1; id <= n; id++ {
		_, err := js.Publish(ctx, "tasks", []byte(strconv.Itoa(id)))
		require.NoError(t, err)
	}

	var (
		mu      sync.Mutex
		running int
		peak    int
		done    = map[string]bool{}
	)
	started := make(chan struct{}, n*4)
	gate := make(chan struct{})
	do := func(ctx context.Context, payload []byte) error {
		mu.Lock()
		running++
		peak = max(peak, running)
		mu.Unlock()
		defer func() { mu.Lock(); running--; mu.Unlock() }()
		started <- struct{}{}
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err() // stopped mid-task: not done
		}
		mu.Lock()
		done[string(payload)] = true
		mu.Unlock()
		return nil
	}

	wctx, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { Work(wctx, cons, workers, do); close(stopped) }()
	for i := range limit {
		select {
		case <-started:
		case <-time.After(5 * time.Second):
			stop()
			<-stopped
			t.Fatalf("only %d tasks started in 5s; want %d running at once", i, limit)
		}
	}
	select {
	case <-started:
	case <-time.After(500 * time.Millisecond):
	}
	mu.Lock()
	p := peak
	mu.Unlock()
	assert.LessOrEqual(t, p, limit, "%d tasks ran at once with a bound of %d (the workers ask; the consumer must refuse)", p, limit)

	// Stop the workers with tasks half done, then start new ones.
	stop()
	<-stopped
	close(gate)
	wctx2, stop2 := context.WithCancel(ctx)
	stopped2 := make(chan struct{})
	go func() { Work(wctx2, cons, workers, do); close(stopped2) }()
	deadline := time.After(8 * time.Second)
	for {
		mu.Lock()
		k := len(done)
		mu.Unlock()
		if k == n {
			break
		}
		select {
		case <-started:
			continue
		case <-deadline:
		}
		break
	}
	stop2()
	<-stopped2
	mu.Lock()
	defer mu.Unlock()
	for id := 1; id <= n; id++ {
		assert.True(t, done[strconv.Itoa(id)], "task %d lost: its worker was stopped mid-task and it never came back (acked before the work?)", id)
	}
}
