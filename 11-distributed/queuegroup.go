package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Section 1: chapter 07's pool, across processes. Every worker subscribes
// to the same subject in the same queue group, and the server hands each
// request to one member of the group. Nothing is stored: a request in
// flight on a worker that dies is simply never answered, and the client's
// timeout and retry are all the recovery there is.

const squareSubject = "svc.square"

// serveSquares answers square requests ("ID MS": wait MS milliseconds, then
// reply "NAME ID ID*ID") in the queue group until ctx ends.
func serveSquares(ctx context.Context, url, name string, out io.Writer) error {
	nc, closed, err := Connect(url, "qworker "+name)
	if err != nil {
		return err
	}
	defer nc.Close()
	// The callback runs on one goroutine per subscription, so this worker
	// answers one request at a time: one worker, one task, as in 05 and 06.
	_, err = nc.QueueSubscribe(squareSubject, "squarers", func(m *nats.Msg) {
		id, delay, ok := strings.Cut(string(m.Data), " ")
		n, err1 := strconv.Atoi(id)
		d, err2 := strconv.Atoi(delay)
		if !ok || err1 != nil || err2 != nil {
			_ = m.Respond([]byte("error: want \"ID MS\""))
			return
		}
		b, _ := json.Marshal(Event{Kind: "start", Worker: name, Task: n, At: time.Now().UnixNano()})
		_ = nc.Publish(eventsSubject, b)
		time.Sleep(time.Duration(d) * time.Millisecond)
		_ = m.Respond(fmt.Appendf(nil, "%s %d %d", name, n, n*n))
	})
	if err != nil {
		return err
	}
	// Flush waits until the server has the subscription, so the parent
	// sends no request before this worker can get it.
	if err := nc.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out, "ready")
	select {
	case <-ctx.Done():
	case <-closed:
		return errors.New("lost the NATS server")
	}
	return nil
}

// requestResult is one request as the client saw it.
type requestResult struct {
	id       int
	worker   string
	attempts int
}

// requestAll sends ids 1..n from `clients` goroutines, each request with a
// timeout and up to 5 attempts. onAnswer is called after each answer.
func requestAll(ctx context.Context, nc *nats.Conn, n, clients int, work, timeout time.Duration, rec *recorder, onAnswer func(answered int)) ([]requestResult, int, error) {
	ids := make(chan int, n)
	for i := 1; i <= n; i++ {
		ids <- i
	}
	close(ids)
	var (
		mu       sync.Mutex
		results  []requestResult
		retries  int
		answered atomic.Int64
		firstErr error
		wg       sync.WaitGroup
	)
	for range clients {
		wg.Go(func() {
			for id := range ids {
				var r requestResult
				for attempt := 1; ; attempt++ {
					if ctx.Err() != nil {
						return
					}
					start := time.Now()
					m, err := nc.RequestWithContext(withTimeout(ctx, timeout), squareSubject, fmt.Appendf(nil, "%d %d", id, work.Milliseconds()))
					if err != nil {
						mu.Lock()
						retries++
						if attempt == 5 && firstErr == nil {
							firstErr = fmt.Errorf("request %d: %w after %d attempts", id, err, attempt)
						}
						mu.Unlock()
						rec.span("timed out", strconv.Itoa(id), start, time.Now())
						if attempt == 5 {
							return
						}
						continue
					}
					worker, _, _ := strings.Cut(string(m.Data), " ")
					rec.span(worker, strconv.Itoa(id), start, time.Now())
					r = requestResult{id: id, worker: worker, attempts: attempt}
					break
				}
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				if onAnswer != nil {
					onAnswer(int(answered.Add(1)))
				}
			}
		})
	}
	wg.Wait()
	return results, retries, firstErr
}

func withTimeout(ctx context.Context, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(ctx, d)
	context.AfterFunc(ctx, cancel) // release the timer as soon as it fires or the parent ends
	return ctx
}

func showQueueGroups(ctx context.Context, w io.Writer) error {
	return withQueue(ctx, QueueConfig{}, func(url string, _ jetstream.JetStream) error {
		const work, timeout = 40 * time.Millisecond, 250 * time.Millisecond
		var kids []*Child
		defer func() { _ = stopAll(kids) }()
		for i := 1; i <= cfg.workers; i++ {
			name := fmt.Sprintf("w%d", i)
			c, err := StartChild(ctx, "qworker", name, "-nats", url, "-name", name)
			if err != nil {
				return err
			}
			kids = append(kids, c)
		}
		nc, _, err := Connect(url, "section 1 client")
		if err != nil {
			return err
		}
		defer nc.Close()
		say(w, "%d worker processes in queue group \"squarers\" on %s; %d requests of %v each,\n", cfg.workers, squareSubject, cfg.tasks, work)
		say(w, "from %d client goroutines, each request with a %v timeout and up to 5 tries.\n", 2*cfg.workers, timeout)
		say(w, "w1 is killed (SIGKILL) in the middle of its third request.\n\n")
		// Kill w1 halfway through its third request, which it then never answers.
		var log eventLog
		var once sync.Once
		starts := 0
		log.onNew = func(e Event) {
			if e.Worker == "w1" && e.Kind == "start" {
				if starts++; starts == 3 {
					once.Do(func() { time.AfterFunc(work/2, kids[0].Kill) })
				}
			}
		}
		sub, err := log.listen(nc)
		if err != nil {
			return err
		}
		defer sub.Unsubscribe()
		rec := newRecorder()
		results, retries, err := requestAll(ctx, nc, cfg.tasks, 2*cfg.workers, work, timeout, rec, nil)
		if err != nil {
			return err
		}
		per := map[string]int{}
		for _, r := range results {
			per[r.worker]++
		}
		if err := renderTimeline(w, rec); err != nil {
			return err
		}
		say(w, "\nanswered %d of %d; %d timed out and were retried; lost 0.\n", len(results), cfg.tasks, retries)
		for _, name := range sortedKeys(per) {
			say(w, "  %s answered %d\n", name, per[name])
		}
		say(w, "The server spread requests over the group and stopped sending to w1 once its\n")
		say(w, "connection died. Requests w1 held died with it: nothing is stored in a queue\n")
		say(w, "group, so only the client's retry saved them.\n")
		return nil
	})
}
