package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gocourse/concurrency/05-threadpool/executor"
	"github.com/gocourse/concurrency/internal/timeline"
)

// Each step runs the same kind of workload, tasks that take 1, 2 or 3 time
// units, and draws who ran what when.

// taskDur is how long demo task i takes.
func taskDur(i int, unit time.Duration) time.Duration { return time.Duration(i%3+1) * unit }

// sleepCtx waits for d, or less if ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// lanes names n timeline rows prefix first … prefix first+n-1.
func lanes(prefix string, first, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s %d", prefix, first+i)
	}
	return out
}

func draw(w io.Writer, rec *timeline.Recorder, lanes []string) {
	timeline.Render(w, rec.Spans(), timeline.Options{Width: 60, Lanes: lanes})
}

func sequential(tasks int, unit time.Duration) time.Duration {
	var total time.Duration
	for i := range tasks {
		total += taskDur(i, unit)
	}
	return total
}

func runStep1(w io.Writer, o options) {
	var rec timeline.Recorder
	start := time.Now()
	PerTask(o.tasks, func(i int) {
		defer rec.Begin(fmt.Sprintf("task %d", i), fmt.Sprintf("t%d", i))()
		time.Sleep(taskDur(i, o.unit))
	})
	fmt.Fprintf(w, "%d tasks, %d goroutines, took %v (one after another: %v)\n",
		o.tasks, o.tasks, time.Since(start).Round(time.Millisecond), sequential(o.tasks, o.unit))
	draw(w, &rec, lanes("task", 0, o.tasks))
	stack, alive := StackCost(o.goroutines)
	fmt.Fprintf(w, "no bound: %d tasks waiting at once = %d goroutines alive, %s of stacks (%s each)\n",
		o.goroutines, alive, formatBytes(stack), formatBytes(stack/uint64(o.goroutines)))
}

func runStep2(w io.Writer, o options) {
	var rec timeline.Recorder
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for i := range o.tasks {
			jobs <- i
		}
	}()
	start := time.Now()
	perWorker := map[int]int{}
	for r := range Pool(o.workers, jobs, func(worker, i int) time.Duration {
		defer rec.Begin(fmt.Sprintf("worker %d", worker), fmt.Sprintf("t%d", i))()
		d := taskDur(i, o.unit)
		time.Sleep(d)
		return d
	}) {
		perWorker[r.Worker]++
	}
	fmt.Fprintf(w, "%d tasks on %d workers (IDs 1-%d, kept for the pool's life), took %v\n",
		o.tasks, len(perWorker), o.workers, time.Since(start).Round(time.Millisecond))
	draw(w, &rec, lanes("worker", 1, o.workers))
}

func runStep3(w io.Writer, o options) {
	limit := o.workers
	fail := min(o.tasks-1, limit) // the first task that cannot start at once
	fmt.Fprintf(w, "SetLimit(%d), WithContext; task %d fails\n", limit, fail)
	var rec timeline.Recorder
	clock := newSpanClock(&rec)
	var cancelled atomic.Int32
	err, cause := GroupRun(context.Background(), o.tasks, limit, func(ctx context.Context, i int) error {
		start := time.Now()
		lane, label := fmt.Sprintf("task %d", i), fmt.Sprintf("t%d", i)
		if i == fail {
			time.Sleep(o.unit / 2)
			clock.add(lane, label+" fail", start)
			return fmt.Errorf("task %d: %w", i, ErrStop)
		}
		err := sleepCtx(ctx, taskDur(i, o.unit))
		if err != nil {
			cancelled.Add(1)
			label += " stop"
		}
		clock.add(lane, label, start)
		return err
	})
	fmt.Fprintf(w, "g.Wait:         %v\n", err)
	fmt.Fprintf(w, "context.Cause:  %v (errors.Is ErrStop: %t)\n", cause, errors.Is(cause, ErrStop))
	fmt.Fprintf(w, "tasks that saw the cancellation and stopped early: %d of %d\n", cancelled.Load(), o.tasks)
	draw(w, &rec, lanes("task", 0, o.tasks))
	fmt.Fprintf(w, "TryGo with all %d slots busy accepted the task: %t\n", limit, TryGoWhenFull(limit))
	fmt.Fprintln(w, "(errgroup starts one goroutine per task, has no worker IDs, and does not recover panics)")
}

// spanClock lets a task choose its span's label when it ends (ok, fail,
// stop), which Recorder.Begin cannot: Begin's first call starts the
// recorder's clock at the same instant as origin, so spans measured from
// origin line up with the recorder's.
type spanClock struct {
	rec    *timeline.Recorder
	origin time.Time
}

func newSpanClock(rec *timeline.Recorder) spanClock {
	c := spanClock{rec: rec, origin: time.Now()}
	rec.Begin("", "") // starts the recorder's clock; the span is never ended
	return c
}

func (c spanClock) add(lane, label string, start time.Time) {
	c.rec.Add(timeline.Span{Lane: lane, Label: label, Start: start.Sub(c.origin), End: time.Since(c.origin)})
}

func runStep4(w io.Writer, o options) error {
	fmt.Fprintf(w, "%d workers\n", o.workers)
	var rec timeline.Recorder
	e := executor.New(executor.Config{Workers: o.workers, QueueSize: o.tasks + 2, Policy: executor.Reject})
	started := make([]time.Time, o.tasks)
	began := make(chan struct{}, o.tasks)
	task := func(i int) func(context.Context) (time.Duration, error) {
		return func(ctx context.Context) (time.Duration, error) {
			started[i] = time.Now()
			began <- struct{}{}
			defer rec.Begin(fmt.Sprintf("worker %d", executor.WorkerID(ctx)), fmt.Sprintf("t%d", i))()
			d := taskDur(i, o.unit)
			return d, sleepCtx(ctx, d)
		}
	}
	var futures []*executor.Future[time.Duration]
	for i := range o.tasks {
		f, err := executor.Submit(e, task(i))
		if err != nil {
			return err
		}
		futures = append(futures, f)
	}
	// Once every worker is busy, the rest wait in the queue. Now a task
	// with a higher priority arrives: it goes to the head of the queue.
	for range min(o.workers, o.tasks) {
		<-began
	}
	var urgentStart time.Time
	urgent, err := executor.SubmitPriority(e, 10, func(ctx context.Context) (time.Duration, error) {
		urgentStart = time.Now()
		defer rec.Begin(fmt.Sprintf("worker %d", executor.WorkerID(ctx)), "URGENT")()
		return o.unit, sleepCtx(ctx, o.unit)
	})
	if err != nil {
		return err
	}
	boom, err := executor.Submit(e, func(ctx context.Context) (time.Duration, error) {
		defer rec.Begin(fmt.Sprintf("worker %d", executor.WorkerID(ctx)), "boom")()
		words := strings.Fields("") // no words at all…
		_ = words[0]                // …so this index panics
		return 0, nil
	})
	if err != nil {
		return err
	}
	if err := e.Shutdown(context.Background()); err != nil {
		return err
	}
	for i, f := range futures {
		d, err := f.Wait(context.Background())
		fmt.Fprintf(w, "  future t%d: %v, err=%v\n", i, d, err)
	}
	if _, err := urgent.Wait(context.Background()); err != nil {
		return err
	}
	overtook := 0
	for _, s := range started {
		if urgentStart.Before(s) {
			overtook++
		}
	}
	fmt.Fprintf(w, "  URGENT (priority 10, submitted once all workers were busy) started before %d queued tasks\n", overtook)
	_, err = boom.Wait(context.Background())
	var pe *executor.PanicError
	if errors.As(err, &pe) {
		fmt.Fprintf(w, "  future boom: %v\n    (stack of %d lines kept; the worker went on)\n", err, strings.Count(string(pe.Stack), "\n"))
	}
	m := e.Metrics()
	fmt.Fprintf(w, "  metrics: workers=%d submitted=%d completed=%d panicked=%d rejected=%d\n",
		m.Workers, m.Submitted, m.Completed, m.Panicked, m.Rejected)
	draw(w, &rec, lanes("worker", 1, o.workers))
	return nil
}
