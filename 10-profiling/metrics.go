package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// liveMetrics reads the three runtime/metrics that answer "is my pool
// oversubscribed, contended, or collecting garbage?".
type liveMetrics struct {
	samples []metrics.Sample
}

const (
	mSchedLat  = "/sched/latencies:seconds"       // histogram: time from runnable to running
	mMutexWait = "/sync/mutex/wait/total:seconds" // cumulative time blocked on a mutex
	mGCCycles  = "/gc/cycles/total:gc-cycles"
)

func newLiveMetrics() *liveMetrics {
	return &liveMetrics{samples: []metrics.Sample{{Name: mSchedLat}, {Name: mMutexWait}, {Name: mGCCycles}}}
}

// A snapshot of the metrics; the differences between two are what happened
// in between.
type metricsSnap struct {
	lat       *metrics.Float64Histogram
	mutexWait float64
	gcCycles  uint64
}

func (m *liveMetrics) read() metricsSnap {
	metrics.Read(m.samples)
	h := m.samples[0].Value.Float64Histogram()
	lat := &metrics.Float64Histogram{Counts: append([]uint64(nil), h.Counts...), Buckets: h.Buckets}
	return metricsSnap{lat: lat, mutexWait: m.samples[1].Value.Float64(), gcCycles: m.samples[2].Value.Uint64()}
}

// A metricsDelta is what happened between two snapshots.
type metricsDelta struct {
	p99Lat    time.Duration // 99th percentile of the scheduling latency
	mutexWait time.Duration
	gcCycles  uint64 // collections that ended
}

func delta(a, b metricsSnap) metricsDelta {
	counts := make([]uint64, len(b.lat.Counts))
	var total uint64
	for i := range counts {
		counts[i] = b.lat.Counts[i] - a.lat.Counts[i]
		total += counts[i]
	}
	var p99 time.Duration
	if total > 0 {
		want := uint64(math.Ceil(float64(total) * 0.99))
		var seen uint64
		for i, c := range counts {
			seen += c
			if seen >= want {
				// Buckets[i+1] is the bucket's upper bound.
				p99 = time.Duration(b.lat.Buckets[i+1] * float64(time.Second))
				break
			}
		}
	}
	return metricsDelta{p99Lat: p99, mutexWait: time.Duration((b.mutexWait - a.mutexWait) * float64(time.Second)), gcCycles: b.gcCycles - a.gcCycles}
}

func (d metricsDelta) String() string {
	return fmt.Sprintf("sched latency p99 %s, mutex wait %s, GC cycles %d", round(d.p99Lat), round(d.mutexWait), d.gcCycles)
}

// isTerminal reports whether w is a terminal that can redraw a line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// oversubscribe runs n goroutines of CPU work until ctx is done. Each takes
// a shared lock briefly per job and allocates a little, so the mutex and GC
// metrics have something to show.
func oversubscribe(ctx context.Context, n int) {
	var mu sync.Mutex
	var shared uint64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			buf := make([]byte, 2<<10)
			for j := uint64(0); ctx.Err() == nil; j++ {
				h := hashJob(buf, j+uint64(i)<<32)
				keep := make([]byte, 8<<10) // garbage for the collector
				mu.Lock()
				// A little work under the lock, as real code has.
				shared += hashJob(keep[:256], h)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

func showMetrics(ctx context.Context, w io.Writer) error {
	procs := runtime.GOMAXPROCS(0)
	live := isTerminal(w)
	step := cfg.window / 2
	fmt.Fprintf(w, "runtime/metrics while a pool of CPU-bound goroutines grows past GOMAXPROCS=%d\n", procs)
	fmt.Fprintf(w, "(%s per size%s):\n", step, map[bool]string{true: "; the line refreshes as it runs", false: "; one line per size when piped"}[live])
	m := newLiveMetrics()
	for _, mult := range []int{1, 2, 8, 32} {
		n := mult * procs
		runCtx, cancel := context.WithTimeout(ctx, step)
		done := make(chan struct{})
		go func() { oversubscribe(runCtx, n); close(done) }()
		start := m.read()
		label := fmt.Sprintf("   %3d goroutines (%2dx):", n, mult)
		if live {
			tick := time.NewTicker(100 * time.Millisecond)
		loop:
			for {
				select {
				case <-tick.C:
					fmt.Fprintf(w, "\r%s %s", label, delta(start, m.read()))
				case <-done:
					break loop
				}
			}
			tick.Stop()
		} else {
			<-done
		}
		cancel()
		end := m.read()
		if live {
			fmt.Fprint(w, "\r")
		}
		fmt.Fprintf(w, "%s %s\n", label, delta(start, end))
	}
	fmt.Fprintln(w, "More goroutines than processors do not finish the work sooner: they queue for a")
	fmt.Fprintln(w, "processor, and the scheduling latency says how long. Mutex wait counts goroutines")
	fmt.Fprintln(w, "parked on the lock; with a lock held this briefly it stays low until many queue.")
	return ctx.Err()
}
