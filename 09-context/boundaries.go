package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// showBoundaries carries one deadline out of the process: into a child
// process, a socket and net/http's server, then across three hops.
func showBoundaries(ctx context.Context, w io.Writer) error {
	fmt.Fprintf(w, "a child process with a %v budget:\n", cfg.budget)
	out, err := runChild(ctx, "budget", cfg.budget, 100*time.Millisecond)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  %s", out)
	fmt.Fprintf(w, "a child that ignores its budget and SIGTERM:\n")
	out, err = runChild(ctx, "stubborn", cfg.budget, 100*time.Millisecond)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  %s", out)

	fmt.Fprintf(w, "a socket read with the same budget:\n")
	if err := socketRead(ctx, cfg.budget, w); err != nil {
		return err
	}
	fmt.Fprintf(w, "net/http: a client that hangs up after 50ms:\n")
	if err := hangUp(ctx, w); err != nil {
		return err
	}
	fmt.Fprintf(w, "one %v budget across three hops, each checking what is left before it starts:\n", cfg.budget)
	hopCtx, cancel := context.WithTimeout(ctx, cfg.budget)
	defer cancel()
	unit := (cfg.budget / 3).Round(time.Millisecond)
	err = hops(hopCtx, w, []hop{{"gateway", unit}, {"orders", unit}, {"database", unit + unit/2}})
	fmt.Fprintf(w, "  result: %v\n", err)
	return ctx.Err()
}

// runChild starts this program again as role with a deadline budget from
// now, and returns one line on what happened. A deadline does not cross a
// process boundary by itself: the child gets it as a flag, as an instant on
// the wall clock both processes share, not as a duration, which would not
// count the time the child takes to start. When the parent's deadline passes, the parent
// sends SIGTERM (cmd.Cancel) and, if the child has not exited grace later,
// kills it (cmd.WaitDelay).
func runChild(ctx context.Context, role string, budget, grace time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	deadline, _ := ctx.Deadline()
	cmd := exec.CommandContext(ctx, exe, "-deadline", deadline.Format(time.RFC3339Nano))
	cmd.Env = append(os.Environ(), roleEnv+"="+role)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = grace
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start).Round(10 * time.Millisecond)
	switch {
	case err == nil:
		return fmt.Sprintf("%s (exit 0 after %v)\n", strings.TrimSpace(out.String()), took), nil
	case cmd.ProcessState != nil:
		return fmt.Sprintf("%sparent: %v after %v (budget %v, then SIGTERM, then %v of grace, then SIGKILL)\n",
			indentAfterFirst(out.String()), cmd.ProcessState, took, budget, grace), nil
	default:
		return "", err
	}
}

func indentAfterFirst(s string) string {
	if s == "" {
		return ""
	}
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n  "
}

// budgetChild is a well-behaved child: it turns the deadline it was given
// into a context of its own, less a margin to report back in, and works in steps
// until that context ends. SIGTERM ends it early, cleanly.
func budgetChild(args []string) int {
	deadline, err := parseDeadline(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	// Stop a little before the parent's deadline, to report and exit in time.
	ctx, cancel := context.WithDeadline(ctx, deadline.Add(-50*time.Millisecond))
	defer cancel()
	steps := 0
	for {
		select {
		case <-ctx.Done():
			fmt.Printf("child: %d steps of 10ms, then stopped by itself: %v\n", steps, context.Cause(ctx))
			return 0
		case <-time.After(10 * time.Millisecond):
			steps++
		}
	}
}

// stubbornChild ignores its budget and SIGTERM: the parent's grace period
// and SIGKILL are for programs like this one.
func stubbornChild(args []string) int {
	if _, err := parseDeadline(args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	signal.Ignore(syscall.SIGTERM)
	fmt.Println("child: ignoring my budget and SIGTERM")
	select {} // until killed
}

func parseDeadline(args []string) (time.Time, error) {
	if len(args) != 2 || args[0] != "-deadline" {
		return time.Time{}, errors.New("usage: -deadline RFC3339-TIME")
	}
	return time.Parse(time.RFC3339Nano, args[1])
}

// socketRead reads from a server that never answers, with the context's
// deadline set on the connection. A net.Conn knows nothing of contexts: its
// deadline is how a context reaches it, and AfterFunc closes the gap for a
// cancel that comes before the deadline.
func socketRead(ctx context.Context, budget time.Duration, w io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c // held open, never written to
		}
		close(accepted)
	}()
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer conn.Close()
	if sc := <-accepted; sc != nil {
		defer sc.Close()
	}
	err = ReadWithContext(ctx, conn, make([]byte, 1))
	fmt.Fprintf(w, "  read: %v (errors.Is os.ErrDeadlineExceeded: %v)\n", err, errors.Is(err, os.ErrDeadlineExceeded))
	return nil
}

// ReadWithContext reads into buf from conn until ctx's deadline or cancel.
func ReadWithContext(ctx context.Context, conn net.Conn, buf []byte) error {
	if d, ok := ctx.Deadline(); ok {
		conn.SetReadDeadline(d)
	}
	// A deadline in the past wakes a blocked Read at once.
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	_, err := conn.Read(buf)
	return err
}

// hangUp shows net/http cancelling a handler's r.Context() when the client
// goes away: the handler stops work nobody will read.
func hangUp(ctx context.Context, w io.Writer) error {
	saw := make(chan error, 1)
	url, stop, err := serve(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			saw <- r.Context().Err()
		case <-time.After(time.Minute):
			saw <- nil
		}
	}))
	if err != nil {
		return err
	}
	defer stop()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	rctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(rctx, "GET", url, nil)
	_, err = client.Do(req)
	fmt.Fprintf(w, "  client: %v\n", err)
	fmt.Fprintf(w, "  handler: r.Context() ended: %v\n", <-saw)
	return nil
}

// serve starts h on a fresh 127.0.0.1 port and returns its URL and a stop
// function that closes the server and waits for its Serve goroutine: the
// chapter's rule applies to the lesson too.
func serve(h http.Handler) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	return "http://" + ln.Addr().String() + "/", func() {
		srv.Close()
		<-done
	}, nil
}

// A hop is one stage of a request's path and the time it needs.
type hop struct {
	name string
	need time.Duration
}

// hops runs each hop in turn under ctx. Before starting, each looks at the
// time left: a hop that cannot finish in it refuses at once, instead of
// doing work that the deadline will throw away.
func hops(ctx context.Context, w io.Writer, path []hop) error {
	for _, h := range path {
		deadline, ok := ctx.Deadline()
		if !ok {
			return errors.New("no deadline")
		}
		left := time.Until(deadline)
		if left < h.need {
			fmt.Fprintf(w, "  %-8s %v left, needs %v: refuses to start\n", h.name, left.Round(10*time.Millisecond), h.need)
			return fmt.Errorf("%s: not enough time left (%w)", h.name, context.DeadlineExceeded)
		}
		fmt.Fprintf(w, "  %-8s %v left, needs %v: starts\n", h.name, left.Round(10*time.Millisecond), h.need)
		select {
		case <-time.After(h.need):
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", h.name, context.Cause(ctx))
		}
	}
	return nil
}
