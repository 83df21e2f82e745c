package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/trace"
	"slices"
	"strconv"
	"sync"
	"time"
)

// The patient of section 4 is a small pipeline (chapter 08 builds real
// ones): a source, two hashers, and one store that is slower than both
// hashers together. Each item is a trace task, each stage's work a region,
// and the source logs every 50th item. The trace then says who waited, for
// what, and how long.
func runPipeline(ctx context.Context, items int) uint64 {
	type item struct {
		ctx  context.Context
		task *trace.Task
		n    int
		sum  uint64
	}
	src := make(chan item)
	hashed := make(chan item)
	go func() {
		defer close(src)
		for i := range items {
			ictx, task := trace.NewTask(ctx, "item")
			if i%50 == 0 {
				trace.Log(ictx, "progress", strconv.Itoa(i))
			}
			select {
			case src <- item{ctx: ictx, task: task, n: i}:
			case <-ctx.Done():
				task.End()
				return
			}
		}
	}()
	var hashers sync.WaitGroup
	for range 2 {
		hashers.Go(func() {
			buf := make([]byte, 2<<10)
			for it := range src {
				trace.WithRegion(it.ctx, "hash", func() { it.sum = hashJob(buf, uint64(it.n)) })
				hashed <- it
			}
		})
	}
	go func() { hashers.Wait(); close(hashed) }()
	var total uint64
	buf := make([]byte, 6<<10)
	for it := range hashed {
		trace.WithRegion(it.ctx, "store", func() { total ^= hashJob(buf, it.sum) })
		it.task.End()
	}
	return total
}

func showTracer(ctx context.Context, w io.Writer) error {
	return withDir(func(dir string) error {
		path := filepath.Join(dir, "pipeline.trace")
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return err
		}
		const items = 400
		runPipeline(ctx, items)
		trace.Stop()
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(w, "A pipeline (source -> 2 hashers -> 1 store) ran %d items with the tracer on;\n", items)
		fmt.Fprintf(w, "trace written to %s. Read back with golang.org/x/exp/trace:\n", where(dir, "pipeline.trace"))
		if err := printTrace(w, path); err != nil {
			return err
		}
		fmt.Fprintln(w, "Open it with go tool trace FILE: \"Goroutine analysis\" for where each waited,")
		fmt.Fprintln(w, "\"User-defined tasks\" and \"User-defined regions\" for the items and stages.")
		fmt.Fprintln(w)
		return flightRecorder(ctx, w, dir)
	})
}

// pipelineReasons are the waits a pipeline is made of: a stage waiting to
// hand on (chan send), to be handed something (chan receive), in a select
// with its context, and the closer in WaitGroup.Wait ("sync").
var pipelineReasons = []string{"chan send", "chan receive", "select", "sync"}

func printTrace(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	s, err := summarizeTrace(f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	fmt.Fprintf(w, "   tasks: %d item; logs: %d progress\n", s.Tasks["item"], s.Logs["progress"])
	for _, r := range []string{"hash", "store"} {
		fmt.Fprintf(w, "   region %-5s total %s, slowest %s\n", r, round(s.Regions[r]), round(s.Slowest[r]))
	}
	fmt.Fprintf(w, "   waited runnable before running: %s in all, %s at most once\n", round(s.Runnable), round(s.RunnableMax))
	fmt.Fprintln(w, "   time goroutines spent blocked, by the runtime's reason:")
	var other time.Duration
	for r, d := range s.Blocked {
		if !slices.Contains(pipelineReasons, r) {
			other += d
		}
	}
	for _, r := range pipelineReasons {
		fmt.Fprintf(w, "      %-13s %s\n", r, round(s.Blocked[r]))
	}
	fmt.Fprintf(w, "      %-13s %s\n", "other", round(other))
	fmt.Fprintf(w, "   GC mark phase running: %s; world stopped: %s\n", round(s.GC), round(s.STW))
	return nil
}

// slowWork is how many buffers /work must hash to take about three times
// slow on this machine, as it is now: it times a few in this process
// first, so the slow request is slow on a fast machine too.
func slowWork(slow time.Duration) int {
	buf := make([]byte, 16<<10)
	start, k := time.Now(), 0
	for ; time.Since(start) < 5*time.Millisecond; k++ {
		hashJob(buf, uint64(k)) // fills buf: work the compiler cannot drop
	}
	per := time.Since(start) / time.Duration(k)
	return min(10_000, max(1, int(3*slow/max(per, 1))))
}

func round(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(time.Millisecond)
	case d > time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// flightRecorder runs the server with its flight recorder on, sends it
// quick requests and one slow one, and reads the snapshot the slow one
// caused.
func flightRecorder(ctx context.Context, w io.Writer, dir string) error {
	const slow = 20 * time.Millisecond
	s, err := newProfServer(serverOptions{flight: true, slow: slow, dir: dir})
	if err != nil {
		return err
	}
	base, stop, err := s.listen()
	if err != nil {
		s.Close()
		return err
	}
	defer stop()
	for range 30 {
		if err := get(ctx, s.client, base+"/work?n=1", nil); err != nil {
			return err
		}
	}
	// The slow request is sized by timing the hash first. On a loaded
	// machine that timing can come out slow and the request fast, so a
	// request that missed the threshold is followed by one twice its size
	// (up to three more).
	n := slowWork(slow)
	for try := 0; try < 4 && s.snapshots.Load() == 0; try++ {
		if err := get(ctx, s.client, fmt.Sprintf("%s/work?n=%d", base, min(10_000, n<<try)), nil); err != nil {
			return err
		}
	}
	stop()
	fmt.Fprintf(w, "The flight recorder: a server kept the last seconds of trace in memory and wrote\n")
	fmt.Fprintf(w, "them out when a request took more than %s (30 quick requests, then one slow):\n", slow)
	if s.lastSnap == "" {
		return fmt.Errorf("no request was slower than %s, so there is no snapshot", slow)
	}
	f, err := os.Open(s.lastSnap)
	if err != nil {
		return err
	}
	defer f.Close()
	sum, err := summarizeTrace(f)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   snapshot %s: %d request tasks, slowest hash region %s, %d slow log(s)\n",
		where(dir, filepath.Base(s.lastSnap)), sum.Tasks["request"], round(sum.Slowest["hash"]), sum.Logs["slow"])
	return nil
}
