package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	// Importing net/http/pprof also registers its handlers on
	// http.DefaultServeMux (its init does). That is harmless here: nothing
	// in this chapter ever serves DefaultServeMux. startPprof mounts the
	// handlers it names on a mux of its own.
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime/trace"
	"sync"
	"syscall"
	"time"
)

// The serve command's two ways to look inside the running server, the ones
// chapter 10 teaches (10-profiling/server.go):
//
//   - -pprof ADDR: net/http/pprof's profiles on a listener of their own, so
//     that `go tool pprof` can take a CPU profile while a load runs, and the
//     profiles are never reachable on the lesson server's port.
//   - -flight DUR: a flight recorder that keeps the last seconds of the
//     execution trace in memory and saves them when a request takes longer
//     than DUR, so that the slow request can be looked at after it happened.

// startPprof serves net/http/pprof at addr and returns the index's URL and
// a function that stops the server and waits for it.
func startPprof(addr string) (string, func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return "", nil, fmt.Errorf("-pprof %s: address already in use (try another port, or -pprof 127.0.0.1:0)", addr)
		}
		return "", nil, fmt.Errorf("-pprof %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // the index and every named profile: goroutine, heap, mutex, ...
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	// Cancelling base ends a CPU profile or a trace still being taken at
	// shutdown (pprof waits on the request's context), with what it has.
	base, cancel := context.WithCancel(context.Background())
	hs := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       time.Minute,
		// profile?seconds=N answers after N seconds (30 by default), and
		// pprof refuses an N as long as the WriteTimeout.
		WriteTimeout:   2 * time.Minute,
		MaxHeaderBytes: 16 << 10,
		BaseContext:    func(net.Listener) context.Context { return base },
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		hs.Serve(ln)
	}()
	stop := func() {
		cancel()
		ctx, cancelWait := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancelWait()
		if hs.Shutdown(ctx) != nil {
			hs.Close()
		}
		<-done
	}
	return "http://" + ln.Addr().String() + "/debug/pprof/", stop, nil
}

// A flight keeps the last seconds of the execution trace (runtime/trace's
// FlightRecorder, Go 1.25) and writes them to dir/flight-N.trace when a
// request takes longer than slow: one snapshot at a time (WriteTo allows no
// more), and at most one per `every`, so a burst of slow requests costs one
// file, not thousands.
type flight struct {
	rec   *trace.FlightRecorder
	slow  time.Duration
	dir   string
	every time.Duration
	out   io.Writer // one line per snapshot; safe for concurrent use

	wg      sync.WaitGroup // the snapshot being written
	mu      sync.Mutex     // guards what follows
	writing bool
	closed  bool
	last    time.Time // when the last snapshot was written
	written int
	missed  int // slow requests that got no snapshot of their own
}

func startFlight(slow time.Duration, dir string, out io.Writer) (*flight, error) {
	f := &flight{slow: slow, dir: dir, every: time.Second, out: out}
	// The window must hold the whole slow request, and a little before it.
	f.rec = trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: max(2*time.Second, 2*slow), MaxBytes: 32 << 20})
	if err := f.rec.Start(); err != nil {
		return nil, fmt.Errorf("flight recorder: %w", err)
	}
	return f, nil
}

// wrap times every request h serves. It is Config.Wrap, so it sits at the
// one place every mode (and net/http's own server) calls the handler: the
// time it measures is the handler's, not the time spent waiting for a worker
// or a permit before it.
func (f *flight) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A task per request: go tool trace lists them under "User-defined
		// tasks", each with its duration.
		ctx, task := trace.NewTask(r.Context(), "request")
		start := time.Now()
		defer func() { // deferred: a handler that panics may have been slow too
			if took := time.Since(start); took > f.slow {
				what := r.Method + " " + r.URL.String()
				trace.Logf(ctx, "slow", "%s took %v", what, took)
				f.snapshot(what, took)
			}
			task.End()
		}()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// snapshot starts writing the recorder's window to the next file, unless a
// snapshot is being written, one was written less than f.every ago, or the
// recorder is stopping. It does not wait: the slow request's answer is not
// held up by the file.
func (f *flight) snapshot(what string, took time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed || f.writing || !f.last.IsZero() && time.Since(f.last) < f.every {
		f.missed++
		return
	}
	f.writing = true
	f.written++
	path := filepath.Join(f.dir, fmt.Sprintf("flight-%d.trace", f.written))
	f.wg.Go(func() {
		n, err := f.writeFile(path)
		f.mu.Lock()
		f.writing, f.last = false, time.Now()
		if err != nil {
			f.written-- // the next snapshot takes its number
			os.Remove(path)
		}
		f.mu.Unlock()
		if err != nil {
			fmt.Fprintf(f.out, "flight: %s took %v; no snapshot: %v\n", what, took.Round(time.Millisecond), err)
			return
		}
		fmt.Fprintf(f.out, "flight: %s took %v; wrote %s (%d bytes)\n", what, took.Round(time.Millisecond), path, n)
	})
}

func (f *flight) writeFile(path string) (int64, error) {
	file, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	n, err := f.rec.WriteTo(file)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// stop waits for the snapshot being written, stops the recorder (the first
// time it is called), and reports how many snapshots were written and how many slow requests got
// none of their own.
func (f *flight) stop() (written, missed int) {
	f.mu.Lock()
	already := f.closed
	f.closed = true
	f.mu.Unlock()
	if !already {
		f.wg.Wait()
		f.rec.Stop()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.written, f.missed
}

// syncWriter serialises writes: serve's own lines and the flight
// recorder's come from different goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
