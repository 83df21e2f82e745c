package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// serve runs one server until ctx ends (the first Ctrl-C, or SIGTERM), then
// shuts it down gracefully: no new connections, every request in flight
// finished and answered, within 10 seconds. A second Ctrl-C ends the
// process at once. Log lines (handler panics, accept errors) go to logw.
// With -pprof and -flight it also serves the profiles and runs the flight
// recorder (profile.go).
func serve(ctx context.Context, w, logw io.Writer) error {
	w = &syncWriter{w: w} // the flight recorder writes too
	ln, err := ListenLocal(serveCfg.addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%w (is another server on that port? try -addr 127.0.0.1:0)", err)
		}
		return err
	}
	cfg := serveCfg.server
	cfg.Logf = func(format string, args ...any) { fmt.Fprintf(logw, "serve: "+format+"\n", args...) }
	var pprofURL string
	if serveCfg.pprof != "" {
		var stopPprof func()
		pprofURL, stopPprof, err = startPprof(serveCfg.pprof)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopPprof() // last: the profiles stay up while the server drains
	}
	var fl *flight
	madeDir := false
	if serveCfg.flight > 0 {
		dir := serveCfg.dir
		if dir == "" {
			// Kept at the end: the snapshots are for the learner to open.
			if dir, err = os.MkdirTemp("", "07-pool-server-flight-"); err != nil {
				ln.Close()
				return err
			}
			madeDir = true
		}
		if fl, err = startFlight(serveCfg.flight, dir, w); err != nil {
			ln.Close()
			if madeDir {
				os.Remove(dir)
			}
			return err
		}
		defer fl.stop() // on the early returns; a second stop is harmless
		cfg.Wrap = fl.wrap
	}
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
	if pprofURL != "" {
		fmt.Fprintf(w, "pprof on %s (a listener of its own)\n", pprofURL)
	}
	if fl != nil {
		fmt.Fprintf(w, "flight recorder: a request slower than %v writes %s (one a second at most)\n",
			fl.slow, fl.dir+string(os.PathSeparator)+"flight-N.trace")
	}
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
	if fl != nil {
		switch written, missed := fl.stop(); {
		case written == 0 && madeDir:
			os.Remove(fl.dir) // empty: nothing to keep
			fmt.Fprintf(w, "flight recorder: no request took longer than %v; removed the empty %s\n", fl.slow, fl.dir)
		default:
			fmt.Fprintf(w, "flight recorder: %d snapshot file(s) kept in %s", written, fl.dir)
			if missed > 0 {
				fmt.Fprintf(w, "; %d more slow request(s) came too soon after one", missed)
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}
