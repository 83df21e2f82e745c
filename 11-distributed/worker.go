package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A Worker takes tasks from the work queue, one at a time, and for each one:
//
//  1. does the work;
//  2. records the result with Create, which succeeds only if the key does
//     not exist yet (a compare-and-set on revision 0), so a task done twice
//     is recorded once;
//  3. acks, and only then is the task gone from the stream.
//
// A worker that dies anywhere before step 3 loses nothing: the server sees
// no ack within AckWait and delivers the task again, to this worker or
// another. That is at-least-once delivery, and step 2 is what makes the
// second delivery harmless.
//
// A task that fails is retried with a growing delay (NakWithDelay) until
// its last delivery, then put on the dead-letter subject and terminated.
// A payload that cannot be parsed is dead-lettered and terminated at once:
// no retry can fix it.
type Worker struct {
	Name string
	JS   jetstream.JetStream
	// Batch is how many tasks the client pulls ahead of the one it works on
	// (PullMaxMessages). Pulled tasks count against MaxAckPending and wait
	// for this worker: 1 shares work most evenly; more is faster for tiny
	// tasks. Zero means 1.
	Batch int
	// Ledger also appends every result, duplicates included, to the ledger
	// bucket: the naive store, kept to count what an append would record.
	Ledger bool
	// DieAfter, when set, is asked after each task is done and recorded,
	// before its ack; true makes the worker die on the spot (Exit), as a
	// process killed between the two would.
	DieAfter func(t Task, delivered uint64) bool
	Exit     func()
	// Backoff is the NakWithDelay delay after a failed delivery. Nil means
	// 100ms doubling with each delivery.
	Backoff func(delivered uint64) time.Duration
	// Pipeline, above 1, lets the worker start the next task while up to
	// this many results are on their way to the bucket: the create is sent
	// without waiting, and a second goroutine waits for each confirmation,
	// in order, and acks only then. The rule (record, then ack) stays; the
	// round trip stops being paid once per task. Zero or 1 records each
	// result before taking the next task.
	Pipeline int
	// Quiet leaves out the start and done events: two messages per task
	// that only the lesson's timeline needs.
	Quiet bool

	Stats WorkerStats

	inflight chan pendingAck // results sent and not yet confirmed, in order
}

// pendingAck is a task whose result is on its way to the bucket.
type pendingAck struct {
	m         jetstream.Msg
	id        int
	delivered uint64
	f         jetstream.PubAckFuture
}

// WorkerStats count what one worker did.
type WorkerStats struct {
	Done       atomic.Int64 // tasks it did the work of
	Recorded   atomic.Int64 // results it recorded
	Duplicates atomic.Int64 // tasks it did again and found already recorded
	Retried    atomic.Int64 // failures it handed back with NakWithDelay
	Dead       atomic.Int64 // tasks it dead-lettered
}

// A Record is a recorded result: who did the task, on which delivery, when.
type Record struct {
	Task      int    `json:"task"`
	Worker    string `json:"worker"`
	Delivered uint64 `json:"delivered"`
	Result    int    `json:"result"`
	Start     int64  `json:"start"` // Unix nanoseconds
	End       int64  `json:"end"`
}

// encode writes r as JSON by hand: it runs once per task, and encoding/json's
// reflection costs more here than everything else the worker does for a
// tiny task.
func (r Record) encode() []byte {
	b := make([]byte, 0, 128)
	b = append(b, `{"task":`...)
	b = strconv.AppendInt(b, int64(r.Task), 10)
	b = append(b, `,"worker":`...)
	b = strconv.AppendQuote(b, r.Worker)
	b = append(b, `,"delivered":`...)
	b = strconv.AppendUint(b, r.Delivered, 10)
	b = append(b, `,"result":`...)
	b = strconv.AppendInt(b, int64(r.Result), 10)
	b = append(b, `,"start":`...)
	b = strconv.AppendInt(b, r.Start, 10)
	b = append(b, `,"end":`...)
	b = strconv.AppendInt(b, r.End, 10)
	return append(b, '}')
}

func decodeRecord(b []byte) (Record, error) {
	var r Record
	err := json.Unmarshal(b, &r)
	return r, err
}

// An Event is what a worker says on the events subject as it goes, for the
// timeline. Events are core NATS messages: fire and forget, lost if nobody
// listens. Nothing correct depends on them.
type Event struct {
	Kind      string `json:"kind"` // start, done, dup, retry, dead
	Worker    string `json:"worker"`
	Task      int    `json:"task"`
	Delivered uint64 `json:"delivered"`
	At        int64  `json:"at"` // Unix nanoseconds
}

// Run takes tasks until ctx is done or the connection is closed for good.
// It returns nil when ctx ended it.
func (w *Worker) Run(ctx context.Context) error {
	// A cluster that is electing a leader does not answer for a moment:
	// ask again until it does.
	var cons jetstream.Consumer
	var err error
	for {
		cons, err = w.JS.Consumer(ctx, taskStream, consumerName)
		if err == nil || !retryable(err) || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("worker %s: finding consumer %s/%s: %w", w.Name, taskStream, consumerName, err)
	}
	maxDeliver := uint64(cons.CachedInfo().Config.MaxDeliver)
	results, err := w.JS.KeyValue(ctx, resultsBucket)
	if err != nil {
		return err
	}
	var ledger jetstream.KeyValue
	if w.Ledger {
		if ledger, err = w.JS.KeyValue(ctx, ledgerBucket); err != nil {
			return err
		}
	}
	// Short pulls with frequent heartbeats: when a server of a cluster dies
	// with this worker's pull request, the client notices within a second
	// and asks again, instead of waiting out the 30s default.
	it, err := cons.Messages(jetstream.PullMaxMessages(max(w.Batch, 1)),
		jetstream.PullExpiry(2*time.Second), jetstream.PullHeartbeat(500*time.Millisecond))
	if err != nil {
		return err
	}
	defer it.Stop()
	if w.Pipeline > 1 {
		w.inflight = make(chan pendingAck, w.Pipeline)
		ackerDone := make(chan struct{})
		go func() { defer close(ackerDone); w.acker(ctx) }()
		defer func() { close(w.inflight); <-ackerDone }()
	}
	nc := w.JS.Conn()
	for {
		m, err := it.Next(jetstream.NextContext(ctx))
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, jetstream.ErrMsgIteratorClosed) || nc.IsClosed() {
			return fmt.Errorf("worker %s: lost the NATS server at %s and could not reconnect", w.Name, serverNames(nc))
		}
		if err != nil {
			continue // a missed heartbeat while reconnecting: the iterator goes on
		}
		w.handle(ctx, m, maxDeliver, results, ledger)
	}
}

func (w *Worker) handle(ctx context.Context, m jetstream.Msg, maxDeliver uint64, results, ledger jetstream.KeyValue) {
	md, err := m.Metadata()
	if err != nil {
		_ = m.Term() // not a JetStream message: nothing to redeliver
		return
	}
	t, err := parseTask(m.Data())
	if err != nil {
		w.deadLetter(ctx, m, md, 0, err)
		return
	}
	w.event("start", t.ID, md.NumDelivered)
	start := time.Now()
	res, err := t.do(md.NumDelivered)
	if err != nil {
		if md.NumDelivered >= maxDeliver {
			w.deadLetter(ctx, m, md, t.ID, err)
			return
		}
		w.Stats.Retried.Add(1)
		w.event("retry", t.ID, md.NumDelivered)
		_ = m.NakWithDelay(w.backoff(md.NumDelivered))
		return
	}
	w.Stats.Done.Add(1)
	rec := Record{Task: t.ID, Worker: w.Name, Delivered: md.NumDelivered,
		Result: res, Start: start.UnixNano(), End: time.Now().UnixNano()}.encode()
	if ledger != nil {
		// The naive store: every result is written, so a task done twice is
		// recorded twice (two revisions of the key).
		_, _ = ledger.Put(ctx, taskKey(t.ID), rec)
	}
	if w.inflight != nil {
		// Create, said as what it is: a publish to the bucket's subject that
		// the stream accepts only if the key has no revision yet.
		cm := nats.NewMsg("$KV." + resultsBucket + "." + taskKey(t.ID))
		cm.Data = rec
		cm.Header.Set(jetstream.ExpectedLastSubjSeqHeader, "0")
		f, err := w.JS.PublishMsgAsync(cm)
		if err != nil {
			_ = m.NakWithDelay(w.backoff(md.NumDelivered))
			return
		}
		w.inflight <- pendingAck{m: m, id: t.ID, delivered: md.NumDelivered, f: f}
		return
	}
	_, err = results.Create(ctx, taskKey(t.ID), rec)
	w.settle(m, t.ID, md.NumDelivered, err)
}

// acker waits for each pipelined result's confirmation, in order, and
// settles its task.
func (w *Worker) acker(ctx context.Context) {
	for p := range w.inflight {
		var err error
		select {
		case <-p.f.Ok():
		case err = <-p.f.Err():
		case <-ctx.Done():
			err = ctx.Err()
		}
		w.settle(p.m, p.id, p.delivered, err)
	}
}

// isKeyExists says whether a create failed because the key has a revision
// already: code 10071 on one server, 10164 on a replicated stream.
func isKeyExists(err error) bool {
	var apiErr *jetstream.APIError
	return errors.Is(err, jetstream.ErrKeyExists) || errors.As(err, &apiErr) &&
		(apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence || apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// settle finishes a task once its result's create has answered.
func (w *Worker) settle(m jetstream.Msg, id int, delivered uint64, err error) {
	switch {
	case isKeyExists(err):
		// Done before, by a worker whose ack never arrived. The first result
		// stands; this one is counted and dropped.
		w.Stats.Duplicates.Add(1)
		w.event("dup", id, delivered)
	case err != nil:
		// Not recorded: hand it back so someone records it later.
		_ = m.NakWithDelay(w.backoff(delivered))
		return
	default:
		w.Stats.Recorded.Add(1)
		w.event("done", id, delivered)
	}
	if w.DieAfter != nil && w.DieAfter(Task{ID: id}, delivered) {
		w.Exit() // done and recorded, never acked
	}
	// Ack last: only now may the server forget the task.
	_ = m.Ack()
}

func (w *Worker) backoff(delivered uint64) time.Duration {
	if w.Backoff != nil {
		return w.Backoff(delivered)
	}
	return 100 * time.Millisecond << min(delivered-1, 6)
}

// deadLetter publishes the task, with why and how many deliveries it had, to
// the dead-letter subject, waits for the stream to store it, and then
// terminates the task so the server never delivers it again.
func (w *Worker) deadLetter(ctx context.Context, m jetstream.Msg, md *jetstream.MsgMetadata, id int, cause error) {
	dl := nats.NewMsg(deadSubject)
	dl.Data = m.Data()
	dl.Header.Set("Gocourse-Reason", cause.Error())
	dl.Header.Set("Gocourse-Delivered", strconv.FormatUint(md.NumDelivered, 10))
	dl.Header.Set("Gocourse-Stream-Seq", strconv.FormatUint(md.Sequence.Stream, 10))
	dl.Header.Set("Gocourse-Worker", w.Name)
	// The task's stream sequence is unique, so a dead letter published twice
	// (a worker dying between here and Term) is stored once.
	if _, err := w.JS.PublishMsg(ctx, dl, jetstream.WithMsgID("dead-"+strconv.FormatUint(md.Sequence.Stream, 10))); err != nil {
		_ = m.Nak() // could not dead-letter it: let it come back
		return
	}
	w.Stats.Dead.Add(1)
	w.event("dead", id, md.NumDelivered)
	_ = m.TermWithReason(cause.Error())
}

func (w *Worker) event(kind string, task int, delivered uint64) {
	if w.Quiet && (kind == "start" || kind == "done") {
		return
	}
	b, _ := json.Marshal(Event{Kind: kind, Worker: w.Name, Task: task, Delivered: delivered, At: time.Now().UnixNano()})
	_ = w.JS.Conn().Publish(eventsSubject, b)
}

// A DeadLetter is a task a worker gave up on.
type DeadLetter struct {
	Payload   string
	Reason    string
	Delivered int
	Worker    string
}

func deadLetterFrom(m jetstream.Msg) DeadLetter {
	h := m.Headers()
	n, _ := strconv.Atoi(h.Get("Gocourse-Delivered"))
	return DeadLetter{Payload: string(m.Data()), Reason: h.Get("Gocourse-Reason"), Delivered: n, Worker: h.Get("Gocourse-Worker")}
}

// serverNames is the URL or URLs a connection was made to.
func serverNames(nc *nats.Conn) string {
	if nc.Opts.Url != "" {
		return nc.Opts.Url
	}
	return strings.Join(nc.Opts.Servers, ",")
}
