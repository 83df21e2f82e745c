package main

import (
	"bufio"
	"context"
	"io"
	"maps"
	"net"
	"net/http"
	"net/rpc"
	"testing"
	"time"
)

// benchBackend starts one of the four servers for a benchmark. The pool has
// more workers than the benchmark has connections, so mode pool does not
// starve anyone here: these numbers are about cost, not fairness.
func benchBackend(b *testing.B, mode string) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	be, err := startBackend(mode, Config{Workers: 64, Queue: 1024}, ln)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(b.Context()), 10*time.Second)
		defer cancel()
		if err := be.stop(ctx); err != nil {
			b.Error(err)
		}
	})
	return be.addr
}

// keepAliveConn is a benchmark client: one connection, one request after
// another.
type keepAliveConn struct {
	nc  net.Conn
	br  *bufio.Reader
	req string
}

func dialBench(b *testing.B, addr, target string) *keepAliveConn {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	return &keepAliveConn{nc: nc, br: bufio.NewReader(nc), req: "GET " + target + " HTTP/1.1\r\nHost: bench\r\n\r\n"}
}

func (c *keepAliveConn) do() error {
	if _, err := io.WriteString(c.nc, c.req); err != nil {
		return err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return err
}

var benchModes = []string{"pool", "request-handoff", "request", "goroutine", "net/http"}

// BenchmarkRoundTrip is one client, one request at a time: the latency of a
// request through each server (ns/op), with no contention.
func BenchmarkRoundTrip(b *testing.B) {
	for _, mode := range benchModes {
		b.Run(mode, func(b *testing.B) {
			c := dialBench(b, benchBackend(b, mode), "/hello")
			defer c.nc.Close()
			for b.Loop() {
				if err := c.do(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkThroughput is 16 kept-alive clients on 2 cores (SetParallelism)
// asking for /hello or for /primes?n=10000: responses per second through
// each server, for waiting-on-I/O work and for CPU work.
func BenchmarkThroughput(b *testing.B) {
	for _, target := range []string{"/hello", "/primes?n=10000"} {
		for _, mode := range benchModes {
			b.Run(mode+target, func(b *testing.B) {
				addr := benchBackend(b, mode)
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					c := dialBench(b, addr, target)
					defer c.nc.Close()
					for pb.Next() {
						if err := c.do(); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "resp/s")
			})
		}
	}
}

// BenchmarkPrimesCall is the tutorial's two ways to call a server, for the same
// computation: a request on an HTTP stream, and a net/rpc method call.
func BenchmarkPrimesCall(b *testing.B) {
	b.Run("http", func(b *testing.B) {
		c := dialBench(b, benchBackend(b, "request"), "/primes?n=1000")
		defer c.nc.Close()
		for b.Loop() {
			if err := c.do(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("net/rpc", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv, err := StartRPC(ln, 64, 1024, RPCLimits{})
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		client, err := rpc.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer client.Close()
		var got int
		for b.Loop() {
			if err := client.Call("Primes.Count", PrimesArgs{N: 1000}, &got); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkWriteResponse is the server's own work to put one answer on the
// stream, without the socket: the status line and the headers, around a
// /hello-sized body. The CPU profile of `serve` under wrk shows it as the
// largest part of our code in a request, after the syscalls.
func BenchmarkWriteResponse(b *testing.B) {
	body := []byte("hello\n")
	for _, tc := range []struct {
		name   string
		header http.Header
	}{
		{"sniffed", http.Header{}}, // the handler set no Content-Type: /hello
		{"typed", http.Header{"Content-Type": {"text/plain; charset=utf-8"}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			w := bufio.NewWriter(io.Discard)
			h := http.Header{}
			for b.Loop() {
				clear(h) // as bufferedResponse.reset does between requests
				maps.Copy(h, tc.header)
				if err := writeResponse(w, http.StatusOK, h, body, false, false, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
