package main

import (
	"fmt"
	"io"
	"net/rpc"
	"sync"
	"sync/atomic"
	"time"
)

// showRPC is the rpc subcommand: the prime count as a remote method call.
func showRPC(w io.Writer, workers, clients, calls int) error {
	ln, err := ListenLocal("")
	if err != nil {
		return err
	}
	srv, err := StartRPC(ln, workers, max(calls, DefaultQueue))
	if err != nil {
		return err
	}
	defer srv.Close()
	client, err := rpc.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer client.Close()
	fmt.Fprintf(w, "net/rpc: Primes.Count on %d workers\n", workers)
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
			for i := g; i < calls; i += clients {
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
	fmt.Fprintf(w, "  %d calls from %d goroutines over one connection: %d failed, %d wrong, in %v (%.0f calls/s)\n",
		calls, clients, failed.Load(), wrong.Load(), el.Round(time.Millisecond), float64(calls)/el.Seconds())
	return nil
}
