package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/gocourse/concurrency/05-threadpool/executor"
)

// Section 6: the same tasks through six pools, from a goroutine pool to a
// replicated stream. Each step buys something (isolation, machines,
// durability, surviving a server) and pays for it in time per task.

// A pool runs tasks: many at once, or one alone to time a round trip.
type pool interface {
	runAll(ctx context.Context, tasks []Task) error
	runOne(ctx context.Context, t Task) error
	close()
}

// CostRow is one line of the table.
type CostRow struct {
	Name                    string
	TinyRate, CPURate       float64       // tasks/s with all tasks submitted at once
	TinyLatency, CPULatency time.Duration // one task alone, the median of several
}

// measure times p on n tiny tasks and m CPU tasks of spinMs each.
func measure(ctx context.Context, name string, p pool, n, m, spinMs, samples int) (CostRow, error) {
	row := CostRow{Name: name}
	tiny := make([]Task, n)
	for i := range tiny {
		tiny[i] = Task{ID: i + 1, Op: OpSquare, N: i}
	}
	cpu := make([]Task, m)
	for i := range cpu {
		cpu[i] = Task{ID: n + i + 1, Op: OpSpin, Ms: spinMs}
	}
	next := n + m + 1
	var err error
	for _, x := range []struct {
		tasks   []Task
		rate    *float64
		latency *time.Duration
		one     Task
	}{
		{tiny, &row.TinyRate, &row.TinyLatency, Task{Op: OpSquare, N: 3}},
		{cpu, &row.CPURate, &row.CPULatency, Task{Op: OpSpin, Ms: spinMs}},
	} {
		start := time.Now()
		if err = p.runAll(ctx, x.tasks); err != nil {
			return row, fmt.Errorf("%s: %w", name, err)
		}
		*x.rate = float64(len(x.tasks)) / time.Since(start).Seconds()
		var ds []time.Duration
		for range samples {
			t := x.one
			t.ID = next
			next++
			start := time.Now()
			if err = p.runOne(ctx, t); err != nil {
				return row, fmt.Errorf("%s: %w", name, err)
			}
			ds = append(ds, time.Since(start))
		}
		slices.Sort(ds)
		*x.latency = ds[len(ds)/2]
	}
	return row, nil
}

// execPool is chapter 05's executor: goroutines, a bounded queue, futures.
type execPool struct{ e *executor.Executor }

func (p execPool) runAll(ctx context.Context, tasks []Task) error {
	fs := make([]*executor.Future[int], 0, len(tasks))
	for _, t := range tasks {
		f, err := executor.Submit(p.e, func(context.Context) (int, error) { return t.do(1) })
		if err != nil {
			return err
		}
		fs = append(fs, f)
	}
	for _, f := range fs {
		if _, err := f.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (p execPool) runOne(ctx context.Context, t Task) error { return p.runAll(ctx, []Task{t}) }
func (p execPool) close()                                   { _ = p.e.Shutdown(context.Background()) }

// procPool is chapter 06's pool in miniature: worker processes, each fed one
// task at a time as a JSON line on its stdin, answering on its stdout.
type procPool struct {
	kids []*pipeChild
	free chan *pipeChild
}

type pipeChild struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func newProcPool(k int) (*procPool, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	p := &procPool{free: make(chan *pipeChild, k)}
	for range k {
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), roleEnv+"=pipe")
		cmd.SysProcAttr = &syscall.SysProcAttr{}
		setDeathSignal(cmd.SysProcAttr)
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			p.close()
			return nil, err
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			p.close()
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			p.close()
			return nil, err
		}
		c := &pipeChild{cmd: cmd, in: in, out: bufio.NewReader(out)}
		p.kids = append(p.kids, c)
		p.free <- c
	}
	return p, nil
}

// call sends t to a free child and reads its answer.
func (p *procPool) call(ctx context.Context, t Task) error {
	var c *pipeChild
	select {
	case c = <-p.free:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { p.free <- c }()
	if _, err := c.in.Write(append(t.encode(), '\n')); err != nil {
		return err
	}
	line, err := c.out.ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, strconv.Itoa(t.ID)+" ") {
		return fmt.Errorf("pipe worker answered %q to task %d", line, t.ID)
	}
	return nil
}

func (p *procPool) runAll(ctx context.Context, tasks []Task) error {
	return fanOut(ctx, tasks, len(p.kids), p.call)
}

func (p *procPool) runOne(ctx context.Context, t Task) error { return p.call(ctx, t) }

func (p *procPool) close() {
	for _, c := range p.kids {
		c.in.Close() // EOF: the child's loop ends and it exits
		_ = c.cmd.Wait()
	}
}

// pipeRole is a process-pool worker: a JSON task per line in, "ID RESULT" out.
func pipeRole(_ context.Context, _ []string) int {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		t, err := parseTask(in.Bytes())
		r := 0
		if err == nil {
			r, err = t.do(1)
		}
		if err != nil {
			fmt.Fprintf(out, "%d error %v\n", t.ID, err)
		} else {
			fmt.Fprintf(out, "%d %d\n", t.ID, r)
		}
		if out.Flush() != nil {
			return 1
		}
	}
	return 0
}

// fanOut calls fn on every task from k goroutines.
func fanOut(ctx context.Context, tasks []Task, k int, fn func(context.Context, Task) error) error {
	ch := make(chan Task)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for range k {
		wg.Go(func() {
			for t := range ch {
				if err := fn(ctx, t); err != nil {
					mu.Lock()
					first = firstOf(first, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, t := range tasks {
		ch <- t
	}
	close(ch)
	wg.Wait()
	return first
}

func firstOf(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// reqPool is section 1's queue group: k responders in this process, each on
// its own connection, and k requesters.
type reqPool struct {
	nc    *nats.Conn
	conns []*nats.Conn
	k     int
}

func newReqPool(url string, k int) (*reqPool, error) {
	p := &reqPool{k: k}
	for i := range k {
		c, _, err := Connect(url, fmt.Sprintf("responder %d", i))
		if err != nil {
			p.close()
			return nil, err
		}
		p.conns = append(p.conns, c)
		if _, err := c.QueueSubscribe("cost.do", "cost", func(m *nats.Msg) {
			t, err := parseTask(m.Data)
			r := 0
			if err == nil {
				r, err = t.do(1)
			}
			if err != nil {
				_ = m.Respond([]byte("error " + err.Error()))
				return
			}
			_ = m.Respond(strconv.AppendInt(nil, int64(r), 10))
		}); err != nil {
			p.close()
			return nil, err
		}
		if err := c.Flush(); err != nil {
			p.close()
			return nil, err
		}
	}
	nc, _, err := Connect(url, "requester")
	if err != nil {
		p.close()
		return nil, err
	}
	p.nc = nc
	return p, nil
}

func (p *reqPool) runOne(ctx context.Context, t Task) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	m, err := p.nc.RequestWithContext(ctx, "cost.do", t.encode())
	if err != nil {
		return err
	}
	if strings.HasPrefix(string(m.Data), "error") {
		return errors.New(string(m.Data))
	}
	return nil
}

func (p *reqPool) runAll(ctx context.Context, tasks []Task) error {
	// Twice as many requesters as responders keep every responder busy.
	return fanOut(ctx, tasks, 2*p.k, p.runOne)
}

func (p *reqPool) close() {
	for _, c := range append(p.conns, p.nc) {
		if c != nil {
			c.Close()
		}
	}
}

// jsPool is the chapter's work queue: k Workers in this process, each on
// its own connection, taking tasks from the stream, recording each result
// with a create and acking it. The producer learns that the tasks are done
// by counting the results bucket, and that one task is done when its result
// can be read from it.
type jsPool struct {
	js      jetstream.JetStream
	results jetstream.KeyValue
	conns   []*nats.Conn
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

func newJSPool(ctx context.Context, url string, k, batch int, qc QueueConfig) (*jsPool, error) {
	nc, _, err := Connect(url, "producer")
	if err != nil {
		return nil, err
	}
	p := &jsPool{conns: []*nats.Conn{nc}}
	if p.js, err = jetstream.New(nc); err != nil {
		p.close()
		return nil, err
	}
	if err := setupUntil(ctx, p.js, qc); err != nil {
		p.close()
		return nil, err
	}
	if p.results, err = p.js.KeyValue(ctx, resultsBucket); err != nil {
		p.close()
		return nil, err
	}
	wctx, stop := context.WithCancel(context.Background())
	p.stop = stop
	for i := 1; i <= k; i++ {
		wnc, _, err := Connect(url, fmt.Sprintf("worker %d", i))
		if err != nil {
			p.close()
			return nil, err
		}
		p.conns = append(p.conns, wnc)
		wjs, err := jetstream.New(wnc)
		if err != nil {
			p.close()
			return nil, err
		}
		wk := &Worker{Name: fmt.Sprintf("w%d", i), JS: wjs, Batch: batch, Pipeline: batch, Quiet: true}
		p.wg.Go(func() { _ = wk.Run(wctx) })
	}
	return p, nil
}

func (p *jsPool) runAll(ctx context.Context, tasks []Task) error {
	st, err := p.results.Status(ctx)
	if err != nil {
		return err
	}
	want := st.Values() + uint64(len(tasks))
	if _, err := Publish(ctx, p.js, tasks); err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		// Done means recorded: count the results bucket. (The consumer's
		// own counts can lag the publishes on a replicated stream.)
		st, err := p.results.Status(ctx)
		if err != nil {
			return err
		}
		if st.Values() >= want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d tasks recorded after 60s", len(tasks)-int(want-st.Values()), len(tasks))
		}
		time.Sleep(2 * time.Millisecond) // poll; each Status is a round trip anyway
	}
}

func (p *jsPool) runOne(ctx context.Context, t Task) error {
	if _, err := Publish(ctx, p.js, []Task{t}); err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := p.results.Get(ctx, taskKey(t.ID))
		if err == nil {
			return nil
		}
		if !errors.Is(err, jetstream.ErrKeyNotFound) {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("task %d not done after 10s", t.ID)
		}
	}
}

func (p *jsPool) close() {
	if p.stop != nil {
		p.stop()
		p.wg.Wait()
	}
	for _, c := range p.conns {
		c.Close()
	}
}

// CostConfig sizes a cost run.
type CostConfig struct {
	Workers   int // per pool
	Tiny, CPU int // tasks of each kind
	SpinMs    int // CPU per CPU task
	Samples   int // single-task round trips timed for the latency
	URL       string
	Cluster   *Cluster // for the R3 row; nil leaves it out
}

// RunCost measures every pool in turn, in this process and on one server.
func RunCost(ctx context.Context, c CostConfig) ([]CostRow, error) {
	type entry struct {
		name string
		make func() (pool, error)
	}
	entries := []entry{
		{"05 executor (goroutines)", func() (pool, error) {
			return execPool{executor.New(executor.Config{Workers: c.Workers})}, nil
		}},
		{"06-style process pool (pipes)", func() (pool, error) { return newProcPool(c.Workers) }},
		{"core NATS request/reply", func() (pool, error) { return newReqPool(c.URL, c.Workers) }},
		{"JetStream, memory", func() (pool, error) {
			return newJSPool(ctx, c.URL, c.Workers, 16, QueueConfig{Storage: jetstream.MemoryStorage})
		}},
		{"JetStream, file", func() (pool, error) {
			return newJSPool(ctx, c.URL, c.Workers, 16, QueueConfig{Storage: jetstream.FileStorage})
		}},
	}
	if c.Cluster != nil {
		entries = append(entries, entry{"JetStream, file, R3", func() (pool, error) {
			return newJSPool(ctx, c.Cluster.URL(), c.Workers, 16, QueueConfig{Storage: jetstream.FileStorage, Replicas: 3})
		}})
	}
	var rows []CostRow
	for _, e := range entries {
		p, err := e.make()
		if err != nil {
			return rows, fmt.Errorf("%s: %w", e.name, err)
		}
		row, err := measure(ctx, e.name, p, c.Tiny, c.CPU, c.SpinMs, c.Samples)
		p.close()
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// printCost writes the table.
func printCost(w io.Writer, rows []CostRow, c CostConfig) {
	say(w, "%-30s %12s %9s %12s %9s\n", "", "tiny tasks/s", "latency", "CPU tasks/s", "latency")
	for _, r := range rows {
		say(w, "%-30s %12.0f %9s %12.0f %9s\n", r.Name, r.TinyRate, fmtLatency(r.TinyLatency), r.CPURate, fmtLatency(r.CPULatency))
	}
	say(w, "(%d workers each; %d tiny tasks, %d CPU tasks of %dms; latency: one task alone, median of %d)\n",
		c.Workers, c.Tiny, c.CPU, c.SpinMs, c.Samples)
}

func fmtLatency(d time.Duration) string {
	if d < time.Millisecond {
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	}
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}

func showCost(ctx context.Context, w io.Writer) error {
	c := CostConfig{Workers: 4, Tiny: 500, CPU: 40, SpinMs: 2, Samples: 5}
	cl, err := warmup.takeR3(ctx)
	if err != nil {
		return err
	}
	defer cl.Stop()
	c.Cluster = cl
	return withQueue(ctx, QueueConfig{}, func(url string, _ jetstream.JetStream) error {
		c.URL = url
		rows, err := RunCost(ctx, c)
		if err != nil {
			return err
		}
		printCost(w, rows, c)
		say(w, "\nGoroutines when the work fits one process; processes when it needs\n")
		say(w, "isolation; core NATS when the callers can retry and nothing must be kept;\n")
		say(w, "JetStream when tasks must outlive a worker, file storage when they must\n")
		say(w, "outlive the server, R3 when they must outlive a machine.\n")
		return nil
	})
}
