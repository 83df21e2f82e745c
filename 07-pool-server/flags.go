package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// command is a parsed command line: which subcommand, with what settings.
type command struct {
	name    string // demo, serve, load, compare or rpc
	addr    string
	mode    string // a Mode, or "net/http" for serve
	server  Config
	load    LoadConfig
	clients int           // demo and rpc: concurrent clients
	burst   time.Duration // demo: how long each burst lasts
	calls   int           // rpc: calls in the concurrent round
	rounds  int           // compare: interleaved rounds
}

const usage = `usage:
  07-pool-server                 the lesson: a server, a client burst per mode, stats
  07-pool-server serve [flags]   serve HTTP for curl, wrk, ab or a browser
  07-pool-server load [flags]    push a server with C clients and report fairness
  07-pool-server compare [flags] the three modes and net/http under the same load
  07-pool-server rpc [flags]     the prime count served by net/rpc on the pool
Run a subcommand with -h for its flags.
`

// parseArgs reads the command line. Errors are one line naming the flag.
func parseArgs(args []string, help io.Writer) (command, error) {
	cmd := command{name: "demo"}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd.name, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("07-pool-server "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var timeouts bool
	switch cmd.name {
	case "demo":
		fs.IntVar(&cmd.server.Workers, "workers", 4, "workers in the pool")
		fs.IntVar(&cmd.clients, "clients", 50, "keep-alive clients in each burst")
		fs.DurationVar(&cmd.burst, "d", 500*time.Millisecond, "how long each burst lasts")
	case "serve":
		fs.StringVar(&cmd.addr, "addr", "127.0.0.1:8080", "address to listen on")
		fs.StringVar(&cmd.mode, "mode", "pool", "pool, request, goroutine, or net/http (the standard server, for comparison)")
		serverFlags(fs, &cmd.server)
		timeouts = true
	case "load":
		fs.StringVar(&cmd.load.Addr, "addr", "", "host:port of the server (required)")
		loadFlags(fs, &cmd.load, 100, 5*time.Second)
	case "compare":
		fs.IntVar(&cmd.server.Workers, "workers", DefaultWorkers, "workers in the pool")
		fs.IntVar(&cmd.server.Queue, "queue", DefaultQueue, "queue length")
		fs.BoolVar(&cmd.server.Block, "block", false, "a full queue makes the server wait instead of answering 503")
		fs.IntVar(&cmd.rounds, "rounds", 1, "run the four servers in turn this many times; report each one's median round")
		loadFlags(fs, &cmd.load, 1000, 2*time.Second)
	case "rpc":
		fs.IntVar(&cmd.server.Workers, "workers", 4, "workers in the pool")
		fs.IntVar(&cmd.clients, "clients", 50, "goroutines calling at once")
		fs.IntVar(&cmd.calls, "calls", 2000, "calls in the concurrent round")
	default:
		return cmd, fmt.Errorf("unknown subcommand %q (want serve, load, compare or rpc; see -h)", cmd.name)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(help, usage)
			name := cmd.name
			if name == "demo" {
				name = "the lesson"
			}
			fmt.Fprintf(help, "\nflags of %s:\n", name)
			fs.SetOutput(help)
			fs.PrintDefaults()
		}
		return cmd, err
	}
	if fs.NArg() > 0 {
		return cmd, fmt.Errorf("unexpected argument %q (all options are flags; see -h)", fs.Arg(0))
	}
	return cmd, cmd.check(timeouts)
}

func serverFlags(fs *flag.FlagSet, c *Config) {
	fs.IntVar(&c.Workers, "workers", DefaultWorkers, "workers in the pool (modes pool and request)")
	fs.IntVar(&c.Queue, "queue", DefaultQueue, "queue length: connections (pool) or requests (request)")
	fs.BoolVar(&c.Block, "block", false, "a full queue makes the server wait instead of answering 503")
	fs.BoolVar(&c.Handoff, "handoff", false, "mode request: run handlers on worker goroutines instead of under permits")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", DefaultReadHeaderTimeout, "time a client has to send a request header")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", DefaultIdleTimeout, "time a kept-alive connection may wait for its next request")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", DefaultWriteTimeout, "time from request header to the end of the response")
	fs.IntVar(&c.MaxHeaderBytes, "max-header-bytes", DefaultMaxHeaderBytes, "largest request header; larger gets 431")
}

func loadFlags(fs *flag.FlagSet, l *LoadConfig, clients int, d time.Duration) {
	fs.IntVar(&l.Clients, "c", clients, "concurrent clients, one connection each")
	fs.DurationVar(&l.Duration, "d", d, "how long to run")
	fs.BoolVar(&l.KeepAlive, "keepalive", true, "reuse connections (false: a new connection per request)")
	fs.StringVar(&l.Path, "path", "/hello", "the request target")
}

// check validates the values, naming the flag and what it must be.
func (c *command) check(timeouts bool) error {
	between := func(name string, v, lo, hi int) error {
		if v < lo || v > hi {
			return fmt.Errorf("-%s must be between %d and %d, got %d", name, lo, hi, v)
		}
		return nil
	}
	positive := func(name string, d time.Duration) error {
		if d <= 0 {
			return fmt.Errorf("-%s must be a positive duration, got %v", name, d)
		}
		return nil
	}
	var errs []error
	switch c.name {
	case "demo":
		errs = append(errs, between("workers", c.server.Workers, 1, 1000), between("clients", c.clients, 1, 5000), positive("d", c.burst))
	case "serve":
		switch c.mode {
		case "pool", "request", "goroutine", "net/http":
		default:
			errs = append(errs, fmt.Errorf("-mode must be pool, request, goroutine or net/http, got %q", c.mode))
		}
		c.server.Mode = Mode(c.mode)
		errs = append(errs, between("workers", c.server.Workers, 1, 100_000), between("queue", c.server.Queue, 1, 1_000_000),
			between("max-header-bytes", c.server.MaxHeaderBytes, 1024, 1<<20))
	case "load", "compare":
		if c.name == "load" && c.load.Addr == "" {
			errs = append(errs, errors.New("-addr is required (the host:port that serve printed)"))
		}
		if c.name == "compare" {
			errs = append(errs, between("workers", c.server.Workers, 1, 100_000), between("queue", c.server.Queue, 1, 1_000_000),
				between("rounds", c.rounds, 1, 100))
		}
		errs = append(errs, between("c", c.load.Clients, 1, 10_000), positive("d", c.load.Duration))
		if !strings.HasPrefix(c.load.Path, "/") {
			errs = append(errs, fmt.Errorf("-path must start with /, got %q", c.load.Path))
		}
	case "rpc":
		errs = append(errs, between("workers", c.server.Workers, 1, 1000), between("clients", c.clients, 1, 1000), between("calls", c.calls, 1, 1_000_000))
	}
	if timeouts {
		errs = append(errs, positive("read-header-timeout", c.server.ReadHeaderTimeout), positive("idle-timeout", c.server.IdleTimeout), positive("write-timeout", c.server.WriteTimeout))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
