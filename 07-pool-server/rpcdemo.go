package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"sync"
	"sync/atomic"
	"time"
)

// showRPC is the rpc subcommand: the prime count as a remote method call.
func showRPC(ctx context.Context, w io.Writer, workers, clients, calls int) error {
	ln, err := ListenLocal("")
	if err != nil {
		return err
	}
	srv, err := StartRPC(ln, workers, max(calls, DefaultQueue), RPCLimits{})
	if err != nil {
		return err
	}
	defer srv.Close()
	client, err := rpc.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer client.Close()
	fmt.Fprintf(w, "net/rpc: Primes.Count on %d workers; limits: 64 KiB a request, 16 calls in flight a connection, 30s idle\n", workers)
	var count int
	if err := client.Call("Primes.Count", PrimesArgs{N: 1000}, &count); err != nil {
		return err
	}
	fmt.Fprintf(w, "  Primes.Count(1000) = %d\n", count)
	err = client.Call("Primes.Count", PrimesArgs{N: -1}, &count)
	fmt.Fprintf(w, "  Primes.Count(-1): error %q\n", err)

	// net/rpc multiplexes calls over one connection: each call has a
	// sequence number, and replies may come back in any order.
	var wrong, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for g := range clients {
		wg.Go(func() {
			for i := g; i < calls && ctx.Err() == nil; i += clients {
				var got int
				if err := client.Call("Primes.Count", PrimesArgs{N: 1000}, &got); err != nil {
					failed.Add(1)
				} else if got != 168 {
					wrong.Add(1)
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	fmt.Fprintf(w, "  %d calls from %d goroutines over one connection: %d failed, %d wrong, in %v (%.0f calls/s)\n",
		calls, clients, failed.Load(), wrong.Load(), el.Round(time.Millisecond), float64(calls)/el.Seconds())
	return nil
}

// serveRPC is `rpc serve`: the rpc server alone, until ctx ends (Ctrl-C or
// SIGTERM), so a client in another terminal, or on another machine, can
// call it, and try its limits from outside.
func serveRPC(ctx context.Context, w io.Writer, addr string, workers int, limits RPCLimits) error {
	ln, err := ListenLocal(addr)
	if err != nil {
		return err
	}
	srv, err := StartRPC(ln, workers, DefaultQueue, limits)
	if err != nil {
		return err
	}
	limits = limits.withDefaults()
	fmt.Fprintf(w, "serving Primes.Count over net/rpc on %s (workers %d)\n", ln.Addr(), workers)
	fmt.Fprintf(w, "limits: %d bytes per request, %d calls in flight per connection, idle %v\n", limits.MaxMessage, limits.MaxInFlight, limits.IdleTimeout)
	fmt.Fprintln(w, "Ctrl-C (SIGINT) or SIGTERM stops it")
	<-ctx.Done()
	srv.Close()
	fmt.Fprintln(w, "stopped")
	return nil
}

// callRPC is `rpc call`: one call, as the tutorial's RMI client makes one.
func callRPC(ctx context.Context, w io.Writer, addr string, n int, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	client := rpc.NewClient(nc)
	defer client.Close()
	var count int
	call := client.Go("Primes.Count", PrimesArgs{N: n}, &count, nil)
	select {
	case <-call.Done:
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("no answer from %s within %v", addr, timeout)
		}
		return ctx.Err()
	}
	if call.Error != nil {
		return call.Error
	}
	fmt.Fprintf(w, "Primes.Count(%d) = %d\n", n, count)
	return nil
}
