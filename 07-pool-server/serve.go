package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"
)

// serve runs one server until ctx ends (the first Ctrl-C, or SIGTERM), then
// shuts it down gracefully: no new connections, every request in flight
// finished and answered, within 10 seconds. A second Ctrl-C ends the
// process at once. Log lines (handler panics, accept errors) go to logw.
func serve(ctx context.Context, w, logw io.Writer) error {
	ln, err := ListenLocal(serveCfg.addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%w (is another server on that port? try -addr 127.0.0.1:0)", err)
		}
		return err
	}
	cfg := serveCfg.server
	cfg.Logf = func(format string, args ...any) { fmt.Fprintf(logw, "serve: "+format+"\n", args...) }
	mode := serveCfg.mode
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
	fmt.Fprintln(w, "Ctrl-C (SIGINT) or SIGTERM shuts it down gracefully; a second Ctrl-C forces")
	<-ctx.Done()
	fmt.Fprintln(w, "\nshutting down: no new connections, finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := b.stop(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	st := b.stats()
	if mode == "net/http" {
		fmt.Fprintln(w, "stopped")
	} else {
		fmt.Fprintf(w, "stopped after serving %d responses (%d rejected)\n", st.Served, st.Rejected)
	}
	return nil
}
