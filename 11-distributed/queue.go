package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The names every part of the work queue agrees on. A worker on another
// machine needs only the server's URL: the stream, the consumer and the
// buckets are found by these names.
const (
	taskStream    = "TASKS"      // the work queue
	taskSubject   = "tasks.new"  // where producers publish tasks
	deadStream    = "DEAD"       // the dead-letter queue
	deadSubject   = "dead.tasks" // where workers put tasks they give up on
	consumerName  = "workers"    // the one durable consumer all workers share
	resultsBucket = "results"    // KV: task.<id> -> the one recorded result
	ledgerBucket  = "ledger"     // KV: task.<id> -> every result, duplicates too
	eventsSubject = "events"     // core NATS: who started and finished what
)

// QueueConfig is the work queue's shape: the stream's limits and the
// consumer's rules for redelivery.
type QueueConfig struct {
	// AckWait is how long the server waits for an ack before it hands the
	// task to another worker. Zero means 2s.
	AckWait time.Duration
	// MaxDeliver is how many times a task is delivered before the server
	// stops trying; a worker that fails a task on its last delivery
	// dead-letters it. Zero means 4.
	MaxDeliver int
	// MaxAckPending bounds the tasks handed out and not yet acked, over all
	// workers: the pool's bound. Zero means 1000.
	MaxAckPending int
	// MaxMsgs bounds the tasks waiting in the stream; 0 means no bound. A
	// full stream refuses new tasks (DiscardNew): the producer gets an error.
	MaxMsgs int64
	// Storage is jetstream.FileStorage (the zero value) or MemoryStorage.
	Storage jetstream.StorageType
	// Replicas is 1, or 3 on a three-node cluster.
	Replicas int
}

func (c QueueConfig) withDefaults() QueueConfig {
	if c.AckWait == 0 {
		c.AckWait = 2 * time.Second
	}
	if c.MaxDeliver == 0 {
		c.MaxDeliver = 4
	}
	if c.MaxAckPending == 0 {
		c.MaxAckPending = 1000
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.MaxMsgs == 0 {
		c.MaxMsgs = -1
	}
	return c
}

// SetupQueue creates (or updates) the task stream, its consumer, the
// dead-letter stream and the two result buckets. Every producer and worker
// may call it: creating what already exists with the same config is a no-op.
func SetupQueue(ctx context.Context, js jetstream.JetStream, c QueueConfig) error {
	c = c.withDefaults()
	// WorkQueuePolicy: a task is removed from the stream once a worker acks
	// it, so the stream holds exactly the work not yet done.
	_, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:      taskStream,
		Subjects:  []string{taskSubject},
		Retention: jetstream.WorkQueuePolicy,
		Storage:   c.Storage,
		Replicas:  c.Replicas,
		MaxMsgs:   c.MaxMsgs,
		Discard:   jetstream.DiscardNew,
		// A producer that resends a task with the same Nats-Msg-Id within
		// this window is told "duplicate" and the stream keeps one copy.
		Duplicates: time.Minute,
	})
	if err != nil {
		return fmt.Errorf("creating stream %s: %w", taskStream, err)
	}
	_, err = js.CreateOrUpdateConsumer(ctx, taskStream, jetstream.ConsumerConfig{
		Durable:       consumerName,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       c.AckWait,
		MaxDeliver:    c.MaxDeliver,
		MaxAckPending: c.MaxAckPending,
	})
	if err != nil {
		return fmt.Errorf("creating consumer %s: %w", consumerName, err)
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:     deadStream,
		Subjects: []string{deadSubject},
		Storage:  c.Storage,
		Replicas: c.Replicas,
	})
	if err != nil {
		return fmt.Errorf("creating stream %s: %w", deadStream, err)
	}
	for _, b := range []struct {
		name    string
		history uint8
	}{{resultsBucket, 1}, {ledgerBucket, 16}} {
		_, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket:   b.name,
			History:  b.history,
			Storage:  c.Storage,
			Replicas: c.Replicas,
		})
		if err != nil {
			return fmt.Errorf("creating bucket %s: %w", b.name, err)
		}
	}
	return nil
}

// taskKey is a task's key in the result buckets.
func taskKey(id int) string { return "task." + strconv.Itoa(id) }

// Publish puts tasks on the queue and waits for the server's acks. Each task
// carries Nats-Msg-Id "task-<id>", so publishing the same task twice (a
// producer retrying after a lost ack) stores it once. It returns how many
// the stream stored, and the first error.
//
// It publishes without waiting for each ack, but keeps at most
// publishWindow acks outstanding: before each publish past that, it waits
// for the oldest one. That is the client's own bound on acks in flight
// (PublishAsync stalls past 4000 by default), the producer's side of
// backpressure, and a sliding window never stops publishing to wait for a
// whole batch of acks.
func Publish(ctx context.Context, js jetstream.JetStream, tasks []Task) (stored int, err error) {
	type sent struct {
		id int
		f  jetstream.PubAckFuture
	}
	var first error
	settle := func(s sent) error {
		select {
		case ack := <-s.f.Ok():
			if !ack.Duplicate {
				stored++
			}
		case err := <-s.f.Err():
			if first == nil {
				first = fmt.Errorf("publishing task %d: %w", s.id, err)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	}
	// A ring of the outstanding acks: task i's slot is i % len(ring), and
	// before reusing a slot, its previous task's ack is awaited.
	ring := make([]sent, min(len(tasks), publishWindow))
	for i, t := range tasks {
		slot := i % len(ring)
		if i >= len(ring) {
			if err := settle(ring[slot]); err != nil {
				return stored, err
			}
		}
		f, err := js.PublishAsync(taskSubject, t.encode(), jetstream.WithMsgID("task-"+strconv.Itoa(t.ID)))
		if err != nil {
			return stored, fmt.Errorf("publishing task %d: %w", t.ID, err)
		}
		ring[slot] = sent{t.ID, f}
	}
	for i := len(tasks) - len(ring); i < len(tasks); i++ {
		if err := settle(ring[i%len(ring)]); err != nil {
			return stored, err
		}
	}
	return stored, first
}

const publishWindow = 2000

// Outcome is what became of the tasks: the recorded results and the dead
// letters.
type Outcome struct {
	Results map[int]Record
	Dead    []DeadLetter
}

// WaitOutcomes waits until n tasks have a result or a dead letter and the
// consumer holds nothing more (no task waiting, none delivered and unacked:
// a redelivery of a task already recorded still counts as work to wait for),
// checking every few milliseconds, then reads them all. It gives up with an error after timeout.
func WaitOutcomes(ctx context.Context, js jetstream.JetStream, n int, timeout time.Duration) (Outcome, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	kv, err := js.KeyValue(ctx, resultsBucket)
	if err != nil {
		return Outcome{}, err
	}
	dead, err := js.Stream(ctx, deadStream)
	if err != nil {
		return Outcome{}, err
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		// Each poll gets a second: a request lost while a cluster elects a
		// new leader must not use up the whole wait.
		pctx, pcancel := context.WithTimeout(ctx, time.Second)
		st, err1 := kv.Status(pctx)
		di, err2 := dead.Info(pctx)
		var ci *jetstream.ConsumerInfo
		var err3 error
		if err1 == nil && err2 == nil && int(st.Values()+di.State.Msgs) >= n {
			ci, err3 = consumerInfo(pctx, js)
		}
		pcancel()
		if err := errors.Join(err1, err2, err3); err == nil && ci != nil && ci.NumPending == 0 && ci.NumAckPending == 0 {
			break
		} else if err != nil && ctx.Err() == nil && !retryable(err) {
			return Outcome{}, err
		}
		select {
		case <-ctx.Done():
			got := ""
			if err1 == nil && err2 == nil {
				got = fmt.Sprintf(" (%d results, %d dead letters)", st.Values(), di.State.Msgs)
			}
			return Outcome{}, fmt.Errorf("waited %v for %d tasks to finish%s: %w", timeout, n, got, context.Cause(ctx))
		case <-tick.C:
		}
	}
	return ReadOutcomes(ctx, js)
}

func consumerInfo(ctx context.Context, js jetstream.JetStream) (*jetstream.ConsumerInfo, error) {
	c, err := js.Consumer(ctx, taskStream, consumerName)
	if err != nil {
		return nil, err
	}
	return c.Info(ctx)
}

// retryable says whether an error talking to JetStream may go away by
// itself: a cluster electing a new leader, a client reconnecting.
func retryable(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, jetstream.ErrNoHeartbeat) || errors.Is(err, nats.ErrNoResponders) ||
		errors.Is(err, nats.ErrConnectionReconnecting) || errors.Is(err, jetstream.ErrJetStreamNotEnabled)
}

// ReadOutcomes reads every recorded result and dead letter.
func ReadOutcomes(ctx context.Context, js jetstream.JetStream) (Outcome, error) {
	o := Outcome{Results: map[int]Record{}}
	kv, err := js.KeyValue(ctx, resultsBucket)
	if err != nil {
		return o, err
	}
	w, err := kv.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return o, err
	}
	defer w.Stop()
	for e := range w.Updates() {
		if e == nil { // nil marks the end of what was stored before the watch
			break
		}
		r, err := decodeRecord(e.Value())
		if err != nil {
			return o, fmt.Errorf("%s: %w", e.Key(), err)
		}
		o.Results[r.Task] = r
	}
	o.Dead, err = readDead(ctx, js)
	return o, err
}

// readDead reads the dead-letter stream from the start with an ordered
// consumer, which the client creates and deletes on its own.
func readDead(ctx context.Context, js jetstream.JetStream) ([]DeadLetter, error) {
	s, err := js.Stream(ctx, deadStream)
	if err != nil {
		return nil, err
	}
	info, err := s.Info(ctx)
	if err != nil {
		return nil, err
	}
	n := int(info.State.Msgs)
	if n == 0 {
		return nil, nil
	}
	c, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return nil, err
	}
	var out []DeadLetter
	for len(out) < n {
		batch, err := c.Fetch(n-len(out), jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return out, err
		}
		for m := range batch.Messages() {
			out = append(out, deadLetterFrom(m))
		}
		if err := batch.Error(); err != nil {
			return out, err
		}
	}
	return out, nil
}
