package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/gocourse/concurrency/internal/lesson"
)

// The three commands are the lesson's pieces, one per machine: a server,
// any number of workers, a producer. The page's recipe runs them on three
// machines; the lesson runs the same code as processes on one.

var serverCfg struct {
	addr, store, name, cluster, routes string
}

func serverFlags(f *lesson.Flags) {
	f.StringVar(&serverCfg.addr, "addr", "127.0.0.1:4222", "listen for clients on `host:port` (0.0.0.0:4222 to let other machines in)")
	f.StringVar(&serverCfg.store, "store", "", "keep JetStream's data in `DIR` (kept after exit); empty means a temporary directory, removed at exit")
	f.StringVar(&serverCfg.name, "name", "n1", "the server's `name`, unique in a cluster")
}

func runServer(ctx context.Context, w io.Writer) error {
	b, err := StartBroker(BrokerOptions{Name: serverCfg.name, Addr: serverCfg.addr, Store: serverCfg.store})
	if err != nil {
		return err
	}
	defer b.Stop()
	say(w, "NATS server %s with JetStream listening on %s (Ctrl-C to stop)\n", b.Name(), b.URL())
	<-ctx.Done()
	say(w, "stopping\n")
	return nil
}

// workerConfig is one worker's flags, for the worker command and for the
// worker processes the lesson starts.
type workerConfig struct {
	nats, name string
	batch      int
	ledger     bool
	dieAfter   int // die after recording this many tasks, before acking the last; 0 never
}

var workerCfg workerConfig

func workerFlags(f *lesson.Flags) { workerConfigFlags(f, &workerCfg) }

func workerConfigFlags(f *lesson.Flags, c *workerConfig) {
	f.StringVar(&c.nats, "nats", "nats://127.0.0.1:4222", "the NATS server's `URL`")
	hostname, _ := os.Hostname()
	f.StringVar(&c.name, "name", fmt.Sprintf("%s/%d", hostname, os.Getpid()), "this worker's `name` in results")
	f.Int(&c.batch, "batch", 1, 1, 1000, "tasks to pull ahead")
}

func runWorkerCommand(ctx context.Context, w io.Writer) error {
	return runWorker(ctx, workerCfg, w, fmt.Sprintf("worker %s taking tasks from %s (Ctrl-C to stop)", workerCfg.name, workerCfg.nats))
}

// runWorker connects, makes sure the queue exists, prints ready and works
// until ctx ends or the server is gone for good.
func runWorker(ctx context.Context, c workerConfig, w io.Writer, ready string) error {
	nc, _, err := Connect(c.nats, "worker "+c.name)
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	if _, err := js.Consumer(ctx, taskStream, consumerName); errors.Is(err, jetstream.ErrStreamNotFound) {
		if err := SetupQueue(ctx, js, QueueConfig{}); err != nil {
			return err
		}
	}
	wk := &Worker{Name: c.name, JS: js, Batch: c.batch, Ledger: c.ledger}
	if c.dieAfter > 0 {
		done := 0
		wk.DieAfter = func(Task, uint64) bool { done++; return done == c.dieAfter }
		wk.Exit = func() { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL); select {} }
	}
	say(w, "%s\n", ready)
	return wk.Run(ctx)
}

// workerRole is a worker process started by the lesson or a test.
func workerRole(ctx context.Context, args []string) int {
	var c workerConfig
	f := lesson.NewFlags("11-distributed worker", "a worker process")
	workerConfigFlags(f, &c)
	f.BoolVar(&c.ledger, "ledger", false, "also append every result to the ledger bucket")
	f.Int(&c.dieAfter, "die-after", 0, 0, 1<<30, "SIGKILL itself after recording this many tasks, before acking the last")
	if err := f.Parse(args, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "11-distributed worker:", err)
		return 2
	}
	if err := runWorker(ctx, c, os.Stdout, "ready"); err != nil {
		fmt.Fprintln(os.Stderr, "11-distributed worker:", err)
		return 1
	}
	return 0
}

var submitCfg struct {
	nats    string
	n, ms   int
	op      string
	timeout time.Duration
}

func submitFlags(f *lesson.Flags) {
	f.StringVar(&submitCfg.nats, "nats", "nats://127.0.0.1:4222", "the NATS server's `URL`")
	f.Int(&submitCfg.n, "n", 100, 1, 10_000_000, "tasks to submit")
	f.StringVar(&submitCfg.op, "op", OpSleep, "what each task does: square, sleep or spin")
	f.Int(&submitCfg.ms, "ms", 10, 0, 60_000, "milliseconds each sleep or spin task takes")
	f.Duration(&submitCfg.timeout, "timeout", 5*time.Minute, time.Second, 24*time.Hour, "give up waiting for results after this long")
	f.Check(func() error {
		switch submitCfg.op {
		case OpSquare, OpSleep, OpSpin:
			return nil
		}
		return fmt.Errorf("-op must be square, sleep or spin, got %q", submitCfg.op)
	})
}

// runSubmit publishes -n tasks numbered after the ones already recorded, and
// waits until each has a result or a dead letter.
func runSubmit(ctx context.Context, w io.Writer) error {
	nc, _, err := Connect(submitCfg.nats, "submit")
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	if err := SetupQueue(ctx, js, QueueConfig{}); err != nil {
		return err
	}
	before, err := ReadOutcomes(ctx, js)
	if err != nil {
		return err
	}
	first := len(before.Results) + len(before.Dead) + 1
	tasks := make([]Task, submitCfg.n)
	for i := range tasks {
		tasks[i] = Task{ID: first + i, Op: submitCfg.op, N: first + i, Ms: submitCfg.ms}
	}
	start := time.Now()
	if _, err := Publish(ctx, js, tasks); err != nil {
		return err
	}
	say(w, "submitted tasks %d..%d in %v; waiting for results\n", first, first+len(tasks)-1, time.Since(start).Round(time.Millisecond))
	out, err := WaitOutcomes(ctx, js, first-1+len(tasks), submitCfg.timeout)
	if err != nil {
		return err
	}
	el := time.Since(start)
	byWorker := map[string]int{}
	for id, r := range out.Results {
		if id >= first {
			byWorker[r.Worker]++
		}
	}
	say(w, "%d tasks done in %v (%.0f tasks/s), %d dead letters in all\n", len(tasks), el.Round(time.Millisecond), float64(len(tasks))/el.Seconds(), len(out.Dead))
	for _, name := range sortedKeys(byWorker) {
		say(w, "  %-24s %d\n", name, byWorker[name])
	}
	return nil
}

// queueWorkerRole is a process in section 1's queue group: it answers
// requests on svc.square, each taking -ms milliseconds.
func queueWorkerRole(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("qworker", flag.ContinueOnError)
	url := fs.String("nats", "", "")
	name := fs.String("name", "", "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := serveSquares(ctx, *url, *name, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "11-distributed qworker:", err)
		return 1
	}
	return 0
}
