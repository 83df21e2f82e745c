package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The lesson's three sections: every endpoint and bad input against one
// server, the same keep-alive burst against each mode, then stats and a
// graceful shutdown with a request in flight. Each starts its own servers,
// so -only can run any of them alone.

// showEndpoints is section 1.
func showEndpoints(ctx context.Context, w io.Writer, workers int) error {
	s, addr, stop, _, err := demoServer(workers)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(w, "mode request, %d workers, a 4096-byte header limit; one connection per line:\n", s.Stats().Workers)
	for _, tc := range []struct{ label, raw string }{
		{"GET /hello", get("/hello")},
		{"GET /primes?n=1000", get("/primes?n=1000")},
		{"GET /primes?n=abc", get("/primes?n=abc")},
		{"GET /sleep?ms=20", get("/sleep?ms=20")},
		{"GET /sleep?ms=99999", get("/sleep?ms=99999")},
		{"GET /nope", get("/nope")},
		{"GET /panic", get("/panic")},
		{"GET /hello (after the panic)", get("/hello")},
		{"a 5000-byte header", "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 5000) + "\r\n\r\n"},
		{"garbage: HELLO?", "HELLO?\r\n\r\n"},
		{"HTTP/1.1 without Host", "GET /hello HTTP/1.1\r\n\r\n"},
	} {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		status, body, err := roundTrip(addr, tc.raw)
		if err != nil {
			return fmt.Errorf("%s: %w", tc.label, err)
		}
		fmt.Fprintf(w, "  %-30s %d %s\n", tc.label, status, firstLine(body))
	}
	// A body whose chunk size is "Z", and a second request hidden after it.
	smuggle := "POST /hello HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZ\r\n" + get("/primes?n=7")
	statuses, err := exchangeAll(addr, smuggle)
	if err != nil {
		return fmt.Errorf("smuggling: %w", err)
	}
	fmt.Fprintf(w, "  %-30s %d responses %v, then the server closed\n", "a chunked body that lies", len(statuses), statuses)
	if len(statuses) == 1 {
		fmt.Fprintln(w, "  The lying body hid a second request, GET /primes?n=7: the server answered")
		fmt.Fprintln(w, "  the POST, closed, and never served the hidden one.")
	}
	return nil
}

// exchangeAll writes raw bytes on a new connection and reads responses
// until the server closes it; it returns their status codes.
func exchangeAll(addr, raw string) ([]int, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(nc, raw); err != nil {
		return nil, err
	}
	br := bufio.NewReader(nc)
	var statuses []int
	for {
		if _, err := br.Peek(1); errors.Is(err, io.EOF) {
			return statuses, nil // the server closed
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return statuses, err
		}
		io.Copy(io.Discard, resp.Body)
		statuses = append(statuses, resp.StatusCode)
	}
}

// showBursts is section 2.
func showBursts(ctx context.Context, w io.Writer, workers, clients int, burst time.Duration) error {
	fmt.Fprintf(w, "%d keep-alive clients for %v against each mode (%d workers):\n", clients, burst, workers)
	for _, mode := range Modes {
		if err := demoBurst(ctx, w, mode, workers, clients, burst); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, "  In mode pool a worker belongs to a connection, so the first clients keep")
	fmt.Fprintln(w, "  the workers and the rest wait in the queue for as long as those stay.")
	return nil
}

// showShutdown is section 3.
func showShutdown(ctx context.Context, w io.Writer, workers int) error {
	s, addr, _, served, err := demoServer(workers)
	if err != nil {
		return err
	}
	for range 8 {
		roundTrip(addr, get("/hello"))
	}
	_, body, err := roundTrip(addr, get("/stats"))
	if err != nil {
		s.Shutdown(context.Background())
		return err
	}
	fmt.Fprintf(w, "  GET /stats: %s", body)
	var slept string
	var wg sync.WaitGroup
	wg.Go(func() {
		status, body, err := roundTrip(addr, get("/sleep?ms=300"))
		if err != nil {
			slept = err.Error()
			return
		}
		slept = fmt.Sprintf("%d %s", status, firstLine(body))
	})
	for s.Stats().Busy == 0 { // wait until the sleep is being served
		time.Sleep(time.Millisecond)
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	start := time.Now()
	err = s.Shutdown(sctx)
	took := time.Since(start)
	wg.Wait()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintf(w, "  shutdown returned nil after %v; the in-flight GET /sleep?ms=300 got: %s\n", took.Round(10*time.Millisecond), slept)
	fmt.Fprintf(w, "  Serve returned: %v\n", <-served)
	if _, _, err := roundTrip(addr, get("/hello")); err != nil {
		fmt.Fprintln(w, "  a new client now: connection refused")
	}
	return nil
}

// demoServer starts a mode-request server for a section; stop shuts it down.
// served delivers what Serve returned, for a caller that shuts the server
// down itself instead of calling stop.
func demoServer(workers int) (s *Server, addr string, stop func(), served <-chan error, err error) {
	ln, err := ListenLocal("")
	if err != nil {
		return nil, "", nil, nil, err
	}
	s, err = NewServer(Config{Mode: ModeRequest, Workers: workers, MaxHeaderBytes: 4096})
	if err != nil {
		ln.Close()
		return nil, "", nil, nil, err
	}
	ch := make(chan error, 1)
	go func() { ch <- s.Serve(ln) }()
	return s, ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		<-ch
	}, ch, nil
}

// demoBurst runs one burst against a fresh server in the given mode and says
// how many clients were never answered.
func demoBurst(ctx context.Context, w io.Writer, mode Mode, workers, clients int, burst time.Duration) error {
	ln, err := ListenLocal("")
	if err != nil {
		return err
	}
	s, err := NewServer(Config{Mode: mode, Workers: workers, Queue: max(DefaultQueue, clients)})
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	done := make(chan LoadResult)
	go func() {
		done <- RunLoad(ctx, LoadConfig{Addr: ln.Addr().String(), Clients: clients, Duration: burst, KeepAlive: true, Path: "/primes?n=1000"})
	}()
	var mid Stats
	select {
	case <-time.After(burst / 2):
		mid = s.Stats()
	case <-ctx.Done():
	}
	r := <-done
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(sctx); err != nil {
		return fmt.Errorf("%s: shutdown: %w", mode, err)
	}
	<-served
	if ctx.Err() != nil {
		return ctx.Err()
	}
	fmt.Fprintf(w, "  %-9s %2d of %d clients got no response; %d responses, %d errors\n", mode, r.Silent, clients, len(r.Latencies), r.ErrorCount())
	if mode == ModePool {
		fmt.Fprintf(w, "            halfway: %d of %d workers busy, %d connections queued, %d open\n", mid.Busy, mid.Workers, mid.Queued, mid.OpenConns)
	}
	return nil
}

func get(target string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n"
}

// roundTrip writes raw bytes to a new connection and reads one response
// back: stream I/O, as in the tutorial's Java client.
func roundTrip(addr, raw string) (int, string, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, "", err
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(nc, raw); err != nil {
		return 0, "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
