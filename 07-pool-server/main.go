// Command 07-pool-server is the seed's Java thread-pool web server, in Go:
// a listener accepts sockets, a pool of workers serves them with stream I/O,
// and one server answers hundreds or thousands of clients. Then it takes the
// design apart: which unit of work belongs on the pool (a connection, or a
// request?), what happens when the pool is full, and what a slow client can
// do to it.
//
//	go run ./07-pool-server                       # the lesson, a few seconds
//	go run ./07-pool-server serve -mode request   # for curl, wrk, ab
//	go run ./07-pool-server load -addr 127.0.0.1:8080 -c 1000 -d 10s
//	go run ./07-pool-server compare -c 1000 -d 2s # three modes and net/http
//	go run ./07-pool-server rpc                   # the same work over net/rpc
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	cmd, err := parseArgs(os.Args[1:], os.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "07-pool-server:", err)
		os.Exit(2)
	}
	if err := run(cmd, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "07-pool-server:", err)
		os.Exit(1)
	}
}

func run(cmd command, w io.Writer) error {
	switch cmd.name {
	case "serve":
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		return serve(ctx, w, cmd)
	case "load":
		cmd.load.Progress, cmd.load.Live = os.Stderr, isTerminal(os.Stderr)
		RunLoad(cmd.load).Report(w)
		return nil
	case "compare":
		return Compare(w, cmd.server, cmd.load, cmd.rounds)
	case "rpc":
		return showRPC(w, cmd.server.Workers, cmd.clients, cmd.calls)
	}
	return demo(w, cmd.server.Workers, cmd.clients, cmd.burst)
}

// serve runs one server until ctx ends (SIGINT or SIGTERM), then shuts it
// down gracefully within 10 seconds.
func serve(ctx context.Context, w io.Writer, cmd command) error {
	ln, err := ListenLocal(cmd.addr)
	if err != nil {
		return fmt.Errorf("%w (is another server on that port? try -addr 127.0.0.1:0)", err)
	}
	cfg := cmd.server
	cfg.Logf = func(format string, args ...any) { fmt.Fprintf(os.Stderr, "serve: "+format+"\n", args...) }
	mode := cmd.mode
	if cfg.Mode == ModeRequest && cfg.Handoff {
		mode = "request-handoff"
	}
	b, err := startBackend(mode, cfg, ln)
	if err != nil {
		return err
	}
	if mode == "net/http" {
		fmt.Fprintf(w, "serving http://%s/ with net/http's own server (same handlers, no pool)\n", b.addr)
	} else {
		fmt.Fprintf(w, "serving http://%s/ in mode %s (workers %d, queue %d, block %t)\n", b.addr, mode, cfg.Workers, cfg.Queue, cfg.Block)
	}
	fmt.Fprintf(w, "timeouts: read-header %v, idle %v, write %v; max header %d bytes\n",
		cfg.ReadHeaderTimeout, cfg.IdleTimeout, cfg.WriteTimeout, cfg.MaxHeaderBytes)
	fmt.Fprintln(w, "Ctrl-C (SIGINT) or SIGTERM shuts it down gracefully")
	<-ctx.Done()
	fmt.Fprintln(w, "\nshutting down: no new connections, finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.stop(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	st := b.stats()
	if cmd.mode == "net/http" {
		fmt.Fprintln(w, "stopped")
	} else {
		fmt.Fprintf(w, "stopped after serving %d responses (%d rejected)\n", st.Served, st.Rejected)
	}
	return nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}
