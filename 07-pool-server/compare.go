package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/metrics"
	"slices"
	"time"
)

// A backend is a server under test on a free port of 127.0.0.1: ours in one
// of the modes, or net/http's own server with the same handlers, timeouts and
// header limit.
type backend struct {
	name  string
	addr  string
	stats func() Stats
	stop  func(ctx context.Context) error
}

// startBackend starts a server named by mode ("pool", "request",
// "request-handoff", "goroutine" or "net/http") on ln.
func startBackend(mode string, cfg Config, ln net.Listener) (*backend, error) {
	b := &backend{name: mode, addr: ln.Addr().String()}
	served := make(chan error, 1)
	if mode == "net/http" {
		cfg = cfg.withDefaults()
		h := cfg.Handler
		if h == nil {
			h = newHandler(nil)
		}
		if cfg.Wrap != nil {
			h = cfg.Wrap(h)
		}
		hs := &http.Server{
			Handler:           h,
			ReadHeaderTimeout: cfg.ReadHeaderTimeout,
			IdleTimeout:       cfg.IdleTimeout,
			WriteTimeout:      cfg.WriteTimeout,
			MaxHeaderBytes:    cfg.MaxHeaderBytes,
		}
		go func() { served <- hs.Serve(ln) }()
		b.stats = func() Stats { return Stats{Mode: "net/http"} }
		b.stop = func(ctx context.Context) error {
			err := hs.Shutdown(ctx)
			if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
				err = serr
			}
			return err
		}
		return b, nil
	}
	cfg.Mode = Mode(mode)
	if mode == "request-handoff" {
		cfg.Mode, cfg.Handoff = ModeRequest, true
	}
	s, err := NewServer(cfg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	go func() { served <- s.Serve(ln) }()
	b.stats = s.Stats
	b.stop = func(ctx context.Context) error {
		err := s.Shutdown(ctx)
		if serr := <-served; !errors.Is(serr, ErrServerClosed) && err == nil {
			err = serr
		}
		return err
	}
	return b, nil
}

// Compare runs the same load against the three modes (mode request twice:
// with and without Handoff) and net/http, each on
// a fresh server, and prints one table. With rounds > 1 it runs the four in
// turn that many times and reports, for each server, the round with the
// median throughput: on a shared machine, background load then falls on all
// four alike instead of on whichever ran at a bad moment.
func Compare(ctx context.Context, w io.Writer, cfg Config, load LoadConfig, rounds int) error {
	ka := "new connection per request"
	if load.KeepAlive {
		ka = "keep-alive"
	}
	block := ""
	if cfg.Block {
		block = ", block"
	}
	fmt.Fprintf(w, "compare: %d clients for %v each, %s, GET %s; pool: %d workers, queue %d%s\n",
		load.Clients, load.Duration, ka, load.Path, cfg.withDefaults().Workers, cfg.withDefaults().Queue, block)
	if rounds > 1 {
		fmt.Fprintf(w, "each row: the median of %d interleaved rounds, by resp/s\n", rounds)
	}
	servers := []string{"pool", "request-handoff", "request", "goroutine", "net/http"}
	results := map[string][]LoadResult{}
	for range max(rounds, 1) {
		for _, mode := range servers {
			r, err := compareOne(ctx, mode, cfg, load)
			if err != nil {
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			results[mode] = append(results[mode], r)
		}
	}
	fmt.Fprintf(w, "%-15s %9s %9s %9s %9s %6s %8s %7s %12s %8s\n",
		"server", "resp/s", "p50", "p99", "max", "heap", "503s", "errors", "no response", "no 2xx")
	for _, mode := range servers {
		rs := results[mode]
		slices.SortFunc(rs, func(a, b LoadResult) int { return cmp.Compare(a.Throughput(), b.Throughput()) })
		r := rs[len(rs)/2]
		fmt.Fprintf(w, "%-15s %9.0f %9v %9v %9v %5dM %8d %7d %12d %8d\n", mode, r.Throughput(),
			round(r.Percentile(50)), round(r.Percentile(99)), round(r.Percentile(100)), r.PeakHeap>>20,
			r.Status[http.StatusServiceUnavailable], r.ErrorCount(), r.Silent, r.Unserved)
	}
	for _, mode := range servers {
		for _, r := range results[mode] {
			if r.Note != "" {
				fmt.Fprintln(w, "note:", r.Note)
			}
		}
	}
	fmt.Fprintln(w, "heap: peak heap of the whole process (server and clients) during the run")
	fmt.Fprintln(w, "no response: clients that got no answer at all; no 2xx: clients that got no success")
	return nil
}

// compareOne runs the load once against a fresh server.
func compareOne(ctx context.Context, mode string, cfg Config, load LoadConfig) (LoadResult, error) {
	ln, err := ListenLocal("")
	if err != nil {
		return LoadResult{}, err
	}
	b, err := startBackend(mode, cfg, ln)
	if err != nil {
		return LoadResult{}, err
	}
	load.Addr = b.addr
	stop := make(chan struct{})
	peak := make(chan uint64)
	go func() { peak <- peakHeap(stop) }()
	r := RunLoad(ctx, load)
	close(stop)
	r.PeakHeap = <-peak
	grace := 10 * time.Second
	if ctx.Err() != nil {
		grace = time.Second // Ctrl-C: do not wait for long handlers
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := b.stop(sctx); err != nil && ctx.Err() == nil {
		// Handlers still running after the grace period (a busy machine,
		// heavy requests): the measurement stands, the note says so.
		r.Note = fmt.Sprintf("%s: shutdown after the run: %v (handlers were cancelled)", mode, err)
	}
	return r, nil
}

// peakHeap samples the bytes in heap objects every 10ms until stop is
// closed and returns the largest sample. runtime/metrics reads it without
// stopping the world (runtime.ReadMemStats would).
func peakHeap(stop chan struct{}) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	var peak uint64
	for {
		metrics.Read(sample)
		peak = max(peak, sample[0].Value.Uint64())
		select {
		case <-stop:
			return peak
		case <-t.C:
		}
	}
}
