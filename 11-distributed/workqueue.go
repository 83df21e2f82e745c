package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Section 2: the queue is now a stream on the server's disk. A task stays
// in it until a worker acks it; a worker that dies before acking gets its
// task taken away after AckWait and given to another. Chapter 06's pool had
// to notice the dead child and resubmit its task itself; here the broker
// does it, for workers on any machine.

// eventLog collects the workers' events as the parent hears them.
type eventLog struct {
	mu     sync.Mutex
	events []Event
	onNew  func(Event)
}

func (l *eventLog) add(e Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	on := l.onNew
	l.mu.Unlock()
	if on != nil {
		on(e)
	}
}

func (l *eventLog) all() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// listen subscribes to the workers' events.
func (l *eventLog) listen(nc *nats.Conn) (*nats.Subscription, error) {
	sub, err := nc.Subscribe(eventsSubject, func(m *nats.Msg) {
		var e Event
		if json.Unmarshal(m.Data, &e) == nil {
			l.add(e)
		}
	})
	if err != nil {
		return nil, err
	}
	return sub, nc.Flush()
}

// startWorkers starts n worker processes named w1..wn.
func startWorkers(ctx context.Context, url string, n int, extra func(i int) []string) ([]*Child, error) {
	var kids []*Child
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("w%d", i)
		args := []string{"-nats", url, "-name", name}
		if extra != nil {
			args = append(args, extra(i)...)
		}
		c, err := StartChild(ctx, "worker", name, args...)
		if err != nil {
			_ = stopAll(kids)
			return nil, err
		}
		kids = append(kids, c)
	}
	return kids, nil
}

// drawWork draws the timeline: each recorded result from its record, each
// delivery that failed or died from the events.
func drawWork(w io.Writer, start time.Time, out Outcome, events []Event, killed map[string]time.Time) error {
	rec := &recorder{start: start}
	for _, r := range out.Results {
		rec.span(r.Worker, strconv.Itoa(r.Task), time.Unix(0, r.Start), time.Unix(0, r.End))
	}
	type key struct {
		w    string
		task int
		d    uint64
	}
	starts := map[key]time.Time{}
	for _, e := range events {
		k := key{e.Worker, e.Task, e.Delivered}
		switch e.Kind {
		case "start":
			starts[k] = time.Unix(0, e.At)
		case "retry", "dup":
			rec.span(e.Worker, strconv.Itoa(e.Task)+"!", starts[k], time.Unix(0, e.At))
			delete(starts, k)
		case "done":
			delete(starts, k)
		}
	}
	for k, t := range starts {
		if at, ok := killed[k.w]; ok && k.task > 0 {
			rec.span(k.w, strconv.Itoa(k.task)+"X", t, at)
		}
	}
	return renderTimeline(w, rec)
}

func showWorkQueue(ctx context.Context, w io.Writer) error {
	qc := QueueConfig{AckWait: time.Second, MaxDeliver: 3}
	return withQueue(ctx, qc, func(url string, js jetstream.JetStream) error {
		nc := js.Conn()
		var log eventLog
		killed := map[string]time.Time{}
		var (
			killedTask int
			killOnce   sync.Once
			kids       []*Child
			kidsReady  = make(chan struct{})
		)
		// Kill w2 (SIGKILL) as it starts its second task: mid-task, unacked.
		log.onNew = func(e Event) {
			if e.Kind != "start" || e.Worker != "w2" {
				return
			}
			n := 0
			for _, x := range log.all() {
				if x.Kind == "start" && x.Worker == "w2" {
					n++
				}
			}
			if n == 2 {
				killOnce.Do(func() {
					killedTask = e.Task
					time.AfterFunc(30*time.Millisecond, func() {
						<-kidsReady
						kids[1].Kill()
						log.mu.Lock()
						killed["w2"] = time.Now()
						log.mu.Unlock()
					})
				})
			}
		}
		sub, err := log.listen(nc)
		if err != nil {
			return err
		}
		defer sub.Unsubscribe()
		kids, err = startWorkers(ctx, url, cfg.workers, nil)
		close(kidsReady)
		if err != nil {
			return err
		}
		defer func() { _ = stopAll(kids) }()

		n := cfg.tasks / 2
		tasks := make([]Task, 0, n+2)
		for i := 1; i <= n; i++ {
			tasks = append(tasks, Task{ID: i, Op: OpSleep, Ms: 100})
		}
		flaky, poison := n+1, n+2
		tasks = append(tasks, Task{ID: flaky, Op: OpFlaky}, Task{ID: poison, Op: OpPoison})
		say(w, "stream %s (WorkQueuePolicy), consumer %q: explicit acks, AckWait %v, MaxDeliver %d.\n", taskStream, consumerName, qc.AckWait, qc.MaxDeliver)
		say(w, "%d worker processes; %d tasks of 100ms, task %d flaky, task %d poison, one malformed payload.\n", cfg.workers, n, flaky, poison)
		say(w, "w2 is killed (SIGKILL) in the middle of its second task.\n\n")
		start := time.Now()
		if _, err := Publish(ctx, js, tasks); err != nil {
			return err
		}
		if _, err := js.Publish(ctx, taskSubject, []byte(`{"id":"seven"}`)); err != nil {
			return err
		}
		out, err := WaitOutcomes(ctx, js, len(tasks)+1, 20*time.Second)
		if err != nil {
			return err
		}
		log.mu.Lock()
		killedCopy := map[string]time.Time{}
		for k, v := range killed {
			killedCopy[k] = v
		}
		log.mu.Unlock()
		if err := drawWork(w, start, out, log.all(), killedCopy); err != nil {
			return err
		}
		say(w, "(X: the worker was killed; !: the task failed and was handed back)\n\n")
		if r, ok := out.Results[killedTask]; ok {
			say(w, "task %d: w2 died holding it; after AckWait the server gave it to %s (delivery %d).\n", killedTask, r.Worker, r.Delivered)
		}
		if r, ok := out.Results[flaky]; ok {
			say(w, "task %d: failed on delivery 1, NakWithDelay(100ms), done by %s on delivery %d.\n", flaky, r.Worker, r.Delivered)
		}
		for _, d := range out.Dead {
			say(w, "dead letter %s: delivered %d, %q\n", d.Payload, d.Delivered, d.Reason)
		}
		lost := 0
		for _, t := range tasks[:n+1] {
			if _, ok := out.Results[t.ID]; !ok {
				lost++
			}
		}
		say(w, "%d results, %d dead letters, %d lost.\n", len(out.Results), len(out.Dead), lost)
		return nil
	})
}
