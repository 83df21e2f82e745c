package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Section 4: a worker that did the work and died before its ack cannot be
// told apart, by the server, from one that died before doing it. So the
// server delivers the task again and it is done twice. No broker can stop
// that: the ack and the work's effect are two events, and a crash can fall
// between them. What a design can do is make the second time harmless:
//   - the producer side: Nats-Msg-Id, so a resent task is stored once;
//   - the worker side: an idempotent result store, where the second result
//     of a task is refused (Create) instead of added.

// Dupes counts what a run did twice and what it recorded twice.
type Dupes struct {
	Tasks          int
	DoneTwice      int // tasks whose work ran more than once (the ledger's revisions)
	LedgerExtra    int // extra records in the naive store (Put)
	ResultsExtra   int // extra records in the idempotent store (Create)
	Lost           int
	DuplicateByWho map[int][]string // task -> the workers that did it, in order
}

// countDupes reads both stores after a run of n tasks.
func countDupes(ctx context.Context, js jetstream.JetStream, n int) (Dupes, error) {
	d := Dupes{Tasks: n, DuplicateByWho: map[int][]string{}}
	ledger, err := js.KeyValue(ctx, ledgerBucket)
	if err != nil {
		return d, err
	}
	results, err := js.KeyValue(ctx, resultsBucket)
	if err != nil {
		return d, err
	}
	for id := 1; id <= n; id++ {
		hist, err := ledger.History(ctx, taskKey(id))
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			d.Lost++
			continue
		}
		if err != nil {
			return d, err
		}
		if len(hist) > 1 {
			d.DoneTwice++
			d.LedgerExtra += len(hist) - 1
			for _, e := range hist {
				r, _ := decodeRecord(e.Value())
				d.DuplicateByWho[id] = append(d.DuplicateByWho[id], fmt.Sprintf("%s (delivery %d)", r.Worker, r.Delivered))
			}
		}
	}
	st, err := results.Status(ctx)
	if err != nil {
		return d, err
	}
	d.ResultsExtra = int(st.Values()) - (n - d.Lost)
	return d, nil
}

// casDemo shows compare-and-set on a key's revision: two writers read the
// same revision, and only the first update with it wins.
func casDemo(ctx context.Context, w io.Writer, js jetstream.JetStream) error {
	kv, err := js.KeyValue(ctx, resultsBucket)
	if err != nil {
		return err
	}
	rev, err := kv.Create(ctx, "balance", []byte("100"))
	if err != nil {
		return err
	}
	_, errA := kv.Update(ctx, "balance", []byte("150"), rev) // A read revision rev and adds 50
	_, errB := kv.Update(ctx, "balance", []byte("70"), rev)  // B read the same revision and takes 30
	say(w, "compare-and-set: A and B both read balance=100 at revision %d.\n", rev)
	say(w, "  A updates at revision %d: %v\n", rev, okOr(errA))
	say(w, "  B updates at revision %d: %v\n", rev, okOr(errB))
	if errors.Is(errB, jetstream.ErrKeyRevisionMismatch) {
		e, err := kv.Get(ctx, "balance")
		if err != nil {
			return err
		}
		_, errB = kv.Update(ctx, "balance", []byte("120"), e.Revision())
		say(w, "  B reads again (balance=%s, revision %d) and retries: %v\n", e.Value(), e.Revision(), okOr(errB))
	}
	return kv.Purge(ctx, "balance")
}

func okOr(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, jetstream.ErrKeyRevisionMismatch):
		return "refused, revision mismatch (someone wrote first)"
	}
	return err.Error()
}

func showExactlyOnce(ctx context.Context, w io.Writer) error {
	qc := QueueConfig{AckWait: time.Second}
	return withQueue(ctx, qc, func(url string, js jetstream.JetStream) error {
		// The producer's retry: the same task sent twice within the window.
		t := Task{ID: 1, Op: OpSleep, Ms: 50}
		a1, err := js.Publish(ctx, taskSubject, t.encode(), jetstream.WithMsgID("task-1"))
		if err != nil {
			return err
		}
		a2, err := js.Publish(ctx, taskSubject, t.encode(), jetstream.WithMsgID("task-1"))
		if err != nil {
			return err
		}
		say(w, "task 1 published twice with Nats-Msg-Id task-1: stored at sequence %d, then duplicate=%t (not stored).\n\n", a1.Sequence, a2.Duplicate)

		// The worker's crash: w1 does task 3, records it, and dies before the ack.
		const n = 6
		var tasks []Task
		for id := 2; id <= n; id++ {
			tasks = append(tasks, Task{ID: id, Op: OpSleep, Ms: 50})
		}
		// w1 starts alone, so it surely takes the first task; it dies after
		// doing and recording it. Then w2 starts and does the rest, and, once
		// AckWait has passed, the first task again.
		say(w, "Workers record every result twice over: Put into a ledger (naive) and\n")
		say(w, "Create into the results bucket (idempotent). w1 starts alone, does and\n")
		say(w, "records its first task, and dies before the ack. Then w2 starts.\n")
		if _, err := Publish(ctx, js, tasks); err != nil {
			return err
		}
		w1, err := StartChild(ctx, "worker", "w1", "-nats", url, "-name", "w1", "-ledger", "-die-after", "1")
		if err != nil {
			return err
		}
		select {
		case <-w1.Done():
		case <-ctx.Done():
			w1.Kill()
			return ctx.Err()
		}
		w2, err := StartChild(ctx, "worker", "w2", "-nats", url, "-name", "w2", "-ledger")
		if err != nil {
			return err
		}
		defer func() { _ = w2.Stop() }()
		if _, err := WaitOutcomes(ctx, js, n, 20*time.Second); err != nil {
			return err
		}
		d, err := countDupes(ctx, js, n)
		if err != nil {
			return err
		}
		for id, who := range d.DuplicateByWho {
			say(w, "task %d was done %d times: %v\n", id, len(who), who)
		}
		say(w, "tasks %d, lost %d; done twice %d; extra records: ledger (Put) %d, results (Create) %d.\n\n",
			d.Tasks, d.Lost, d.DoneTwice, d.LedgerExtra, d.ResultsExtra)
		return casDemo(ctx, w, js)
	})
}
