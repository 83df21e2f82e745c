package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
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
// "goroutine" or "net/http") on ln.
func startBackend(mode string, cfg Config, ln net.Listener) (*backend, error) {
	b := &backend{name: mode, addr: ln.Addr().String()}
	served := make(chan error, 1)
	if mode == "net/http" {
		cfg = cfg.withDefaults()
		hs := &http.Server{
			Handler:           newHandler(nil),
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

// Compare runs the same load against the three modes and net/http, one after
// the other, each on a fresh server, and prints one table.
func Compare(w io.Writer, cfg Config, load LoadConfig) error {
	ka := "new connection per request"
	if load.KeepAlive {
		ka = "keep-alive"
	}
	fmt.Fprintf(w, "compare: %d clients for %v each, %s, GET %s; pool: %d workers, queue %d\n",
		load.Clients, load.Duration, ka, load.Path, cfg.withDefaults().Workers, cfg.withDefaults().Queue)
	fmt.Fprintf(w, "%-10s %9s %9s %9s %9s %8s %7s %12s %8s\n",
		"server", "resp/s", "p50", "p99", "max", "503s", "errors", "no response", "no 2xx")
	for _, mode := range []string{"pool", "request", "goroutine", "net/http"} {
		ln, err := ListenLocal("")
		if err != nil {
			return err
		}
		b, err := startBackend(mode, cfg, ln)
		if err != nil {
			return err
		}
		l := load
		l.Addr = b.addr
		r := RunLoad(l)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = b.stop(ctx)
		cancel()
		if err != nil {
			return fmt.Errorf("%s: shutdown: %w", mode, err)
		}
		fmt.Fprintf(w, "%-10s %9.0f %9v %9v %9v %8d %7d %12d %8d\n", mode, r.Throughput(),
			round(r.Percentile(50)), round(r.Percentile(99)), round(r.Percentile(100)),
			r.Status[http.StatusServiceUnavailable], r.ErrorCount(), r.Silent, r.Unserved)
	}
	fmt.Fprintln(w, "no response: clients that got no answer at all; no 2xx: clients that got no success")
	return nil
}
