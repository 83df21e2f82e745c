// Command 07-pool-server is the tutorial's Java thread-pool web server, in
// Go: a listener accepts sockets, a pool of workers serves them with stream
// I/O, and one server answers hundreds or thousands of clients. Then it
// takes the design apart: which unit of work belongs on the pool (a
// connection, or a request?), what happens when the pool is full, and what
// a slow client can do to it.
//
//	go run ./07-pool-server                       # the lesson, a few seconds
//	go run ./07-pool-server serve -mode request   # for curl, wrk, ab
//	go run ./07-pool-server serve -pprof 127.0.0.1:6060 -flight 100ms
//	go run ./07-pool-server load -addr 127.0.0.1:8080 -c 1000 -d 10s
//	go run ./07-pool-server compare -c 1000 -d 2s # three modes and net/http
//	go run ./07-pool-server rpc                   # the same work over net/rpc
//	go run ./07-pool-server rpc serve -addr 127.0.0.1:8081
//	go run ./07-pool-server rpc call -addr 127.0.0.1:8081 -n 1000
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

// The settings every section and command reads, filled in by the flags.
var (
	demoCfg struct {
		workers, clients int
		burst            time.Duration
	}
	serveCfg struct {
		addr, mode string
		server     Config
		pprof      string        // net/http/pprof's address; "" is off
		flight     time.Duration // a request slower than this saves a trace; 0 is off
		dir        string        // where the traces go; "" is a new temporary directory
	}
	loadCfg    LoadConfig
	compareCfg struct {
		server Config
		load   LoadConfig
		rounds int
	}
	rpcCfg struct {
		workers, clients, calls int
		addr                    string
		limits                  RPCLimits
		n                       int
		timeout                 time.Duration
	}
)

var chapter = &lesson.Lesson{
	Name:  "07-pool-server",
	Title: "A pooled socket server that thousands of clients can use (and one that starves them)",
	Flags: func(f *lesson.Flags) {
		f.Int(&demoCfg.workers, "workers", 4, 1, 1000, "workers in the pool")
		f.Int(&demoCfg.clients, "clients", 50, 1, 5000, "keep-alive clients in each burst")
		f.Duration(&demoCfg.burst, "d", 500*time.Millisecond, 10*time.Millisecond, time.Minute, "how long each burst lasts")
	},
	Sections: []lesson.Section{
		{Title: "Every endpoint, over a raw socket", Run: func(ctx context.Context, w io.Writer) error {
			return showEndpoints(ctx, w, demoCfg.workers)
		}},
		{Title: "Keep-alive clients against each mode", Run: func(ctx context.Context, w io.Writer) error {
			return showBursts(ctx, w, demoCfg.workers, demoCfg.clients, demoCfg.burst)
		}},
		{Title: "Stats, then a graceful shutdown", Run: func(ctx context.Context, w io.Writer) error {
			return showShutdown(ctx, w, demoCfg.workers)
		}},
		{Title: "The same work over net/rpc, with limits", Run: func(ctx context.Context, w io.Writer) error {
			return showRPC(ctx, w, demoCfg.workers, demoCfg.clients, 2000)
		}},
	},
	Commands: []lesson.Command{
		{Name: "serve", Summary: "serve HTTP for curl, wrk, ab or a browser, until Ctrl-C or SIGTERM",
			Flags: serveFlags, Run: func(ctx context.Context, w io.Writer) error { return serve(ctx, w, os.Stderr) }},
		{Name: "load", Summary: "push a server with C clients and report fairness; Ctrl-C stops and reports",
			Flags: func(f *lesson.Flags) {
				f.StringVar(&loadCfg.Addr, "addr", "", "host:port of the server (required: the address serve printed)")
				loadFlags(f, &loadCfg, 100, 5*time.Second)
				f.Float(&loadCfg.MaxErrorRate, "max-error-rate", 1, 0, 1, "exit 1 when more than this fraction of requests failed")
				f.Check(func() error {
					if loadCfg.Addr == "" {
						return fmt.Errorf("-addr is required (the host:port that serve printed, such as 127.0.0.1:8080)")
					}
					return nil
				})
			},
			Run: func(ctx context.Context, w io.Writer) error { return runLoadCommand(ctx, w, os.Stderr, loadCfg) }},
		{Name: "compare", Summary: "the three modes and net/http under the same load, one table",
			Flags: func(f *lesson.Flags) {
				f.Int(&compareCfg.server.Workers, "workers", DefaultWorkers, 1, 100_000, "workers in the pool")
				f.Int(&compareCfg.server.Queue, "queue", DefaultQueue, 1, 1_000_000, "queue length")
				f.BoolVar(&compareCfg.server.Block, "block", false, "a full queue makes the server wait instead of answering 503")
				f.Int(&compareCfg.rounds, "rounds", 1, 1, 100, "run the servers in turn this many times; report each one's median round")
				loadFlags(f, &compareCfg.load, 1000, 2*time.Second)
			},
			Run: func(ctx context.Context, w io.Writer) error {
				return Compare(ctx, w, compareCfg.server, compareCfg.load, compareCfg.rounds)
			}},
		{Name: "rpc", Summary: "the prime count over net/rpc, with limits; rpc serve and rpc call run it apart",
			Flags: func(f *lesson.Flags) {
				f.Int(&rpcCfg.workers, "workers", 4, 1, 1000, "workers in the pool")
				f.Int(&rpcCfg.clients, "clients", 50, 1, 1000, "goroutines calling at once")
				f.Int(&rpcCfg.calls, "calls", 2000, 1, 1_000_000, "calls in the concurrent round")
			},
			Run: func(ctx context.Context, w io.Writer) error {
				return showRPC(ctx, w, rpcCfg.workers, rpcCfg.clients, rpcCfg.calls)
			},
			Commands: []lesson.Command{
				{Name: "serve", Summary: "serve Primes.Count over net/rpc, with limits, until Ctrl-C or SIGTERM",
					Flags: func(f *lesson.Flags) {
						f.StringVar(&rpcCfg.addr, "addr", "127.0.0.1:8081", "address to listen on")
						f.Int(&rpcCfg.workers, "workers", 4, 1, 1000, "workers in the pool")
						rpcLimitFlags(f, &rpcCfg.limits)
					},
					Run: func(ctx context.Context, w io.Writer) error {
						return serveRPC(ctx, w, rpcCfg.addr, rpcCfg.workers, rpcCfg.limits)
					}},
				{Name: "call", Summary: "call Primes.Count once on an rpc server and print the answer",
					Flags: func(f *lesson.Flags) {
						f.StringVar(&rpcCfg.addr, "addr", "127.0.0.1:8081", "host:port of the rpc server")
						f.Int(&rpcCfg.n, "n", 1000, 0, MaxPrimesN, "count the primes up to n")
						f.Duration(&rpcCfg.timeout, "timeout", 10*time.Second, time.Millisecond, time.Hour, "give up after this long")
					},
					Run: func(ctx context.Context, w io.Writer) error {
						return callRPC(ctx, w, rpcCfg.addr, rpcCfg.n, rpcCfg.timeout)
					}},
			}},
	},
	Next: "08-pipelines, where goroutines pass work down a line of stages.",
}

func main() { chapter.Main() }

func serveFlags(f *lesson.Flags) {
	c := &serveCfg.server
	f.StringVar(&serveCfg.addr, "addr", "127.0.0.1:8080", "address to listen on")
	f.StringVar(&serveCfg.mode, "mode", "pool", "pool, request, goroutine, or net/http (the standard server, for comparison)")
	f.Int(&c.Workers, "workers", DefaultWorkers, 1, 100_000, "workers in the pool (modes pool and request)")
	f.Int(&c.Queue, "queue", DefaultQueue, 1, 1_000_000, "queue length: connections (pool) or requests (request)")
	f.BoolVar(&c.Block, "block", false, "a full queue makes the server wait instead of answering 503")
	f.BoolVar(&c.Handoff, "handoff", false, "mode request: run handlers on worker goroutines instead of under permits")
	f.Duration(&c.ReadHeaderTimeout, "read-header-timeout", DefaultReadHeaderTimeout, time.Millisecond, 24*time.Hour, "time a client has to send a request header (and its body)")
	f.Duration(&c.IdleTimeout, "idle-timeout", DefaultIdleTimeout, time.Millisecond, 24*time.Hour, "time a kept-alive connection may wait for its next request")
	f.Duration(&c.WriteTimeout, "write-timeout", DefaultWriteTimeout, time.Millisecond, 24*time.Hour, "time from request header to the end of the response")
	f.Int(&c.MaxHeaderBytes, "max-header-bytes", DefaultMaxHeaderBytes, 1024, 1<<20, "largest request header; larger gets 431")
	f.StringVar(&serveCfg.pprof, "pprof", "", "serve net/http/pprof on a listener of its own at this `address`, such as 127.0.0.1:6060 (empty: off)")
	f.Duration(&serveCfg.flight, "flight", 0, 0, time.Minute, "run a flight recorder; a request slower than this writes the last seconds of trace to -dir (0: off)")
	f.StringVar(&serveCfg.dir, "dir", "", "`directory` for -flight's snapshots, which must exist (empty: a new temporary directory, kept)")
	f.Check(func() error {
		switch serveCfg.mode {
		case "pool", "request", "goroutine", "net/http":
		default:
			return fmt.Errorf("-mode must be pool, request, goroutine or net/http, got %q", serveCfg.mode)
		}
		c.Mode = Mode(serveCfg.mode)
		return nil
	})
	f.Check(func() error {
		if p := serveCfg.pprof; p != "" {
			_, port, err := net.SplitHostPort(p)
			if err != nil {
				return fmt.Errorf("-pprof must be host:port, such as 127.0.0.1:6060, got %q", p)
			}
			if p == serveCfg.addr && port != "0" {
				return fmt.Errorf("-pprof must not be -addr (the profiles get a port of their own), got %q for both", p)
			}
		}
		if d := serveCfg.dir; d != "" {
			if serveCfg.flight == 0 {
				return fmt.Errorf("-dir is where -flight writes its snapshots: give -flight too")
			}
			if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
				return fmt.Errorf("-dir must be an existing directory, got %q", d)
			}
		}
		return nil
	})
}

func loadFlags(f *lesson.Flags, l *LoadConfig, clients int, d time.Duration) {
	f.Int(&l.Clients, "c", clients, 1, 10_000, "concurrent clients, one connection each")
	f.Duration(&l.Duration, "d", d, time.Millisecond, 24*time.Hour, "how long to run")
	f.BoolVar(&l.KeepAlive, "keepalive", true, "reuse connections (false: a new connection per request)")
	f.StringVar(&l.Path, "path", "/hello", "the request target")
	f.Check(func() error {
		if !strings.HasPrefix(l.Path, "/") {
			return fmt.Errorf("-path must start with /, got %q", l.Path)
		}
		return nil
	})
}
