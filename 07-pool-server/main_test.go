package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/harness"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(harness.WithCleanup(m)) }

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, c command)
	}{
		{name: "no args is the demo", check: func(t *testing.T, c command) {
			assert.Equal(t, "demo", c.name)
			assert.Equal(t, 4, c.server.Workers)
			assert.Equal(t, 500*time.Millisecond, c.burst)
		}},
		{name: "serve", args: []string{"serve", "-addr", "127.0.0.1:0", "-mode", "request", "-workers", "3", "-queue", "9", "-block"}, check: func(t *testing.T, c command) {
			assert.Equal(t, "serve", c.name)
			assert.Equal(t, ModeRequest, c.server.Mode)
			assert.Equal(t, 3, c.server.Workers)
			assert.Equal(t, 9, c.server.Queue)
			assert.True(t, c.server.Block)
			assert.Equal(t, DefaultReadHeaderTimeout, c.server.ReadHeaderTimeout)
			assert.Equal(t, DefaultIdleTimeout, c.server.IdleTimeout)
			assert.Equal(t, DefaultWriteTimeout, c.server.WriteTimeout)
			assert.Equal(t, DefaultMaxHeaderBytes, c.server.MaxHeaderBytes)
		}},
		{name: "serve handoff", args: []string{"serve", "-mode", "request", "-handoff"}, check: func(t *testing.T, c command) {
			assert.True(t, c.server.Handoff)
		}},
		{name: "serve net/http", args: []string{"serve", "-mode", "net/http"}, check: func(t *testing.T, c command) {
			assert.Equal(t, "net/http", c.mode)
		}},
		{name: "load", args: []string{"load", "-addr", "127.0.0.1:1", "-c", "7", "-d", "1s", "-keepalive=false", "-path", "/primes?n=10"}, check: func(t *testing.T, c command) {
			assert.Equal(t, LoadConfig{Addr: "127.0.0.1:1", Clients: 7, Duration: time.Second, Path: "/primes?n=10"}, c.load)
		}},
		{name: "compare defaults", args: []string{"compare"}, check: func(t *testing.T, c command) {
			assert.Equal(t, 1000, c.load.Clients)
			assert.True(t, c.load.KeepAlive)
		}},
		{name: "bad mode", args: []string{"serve", "-mode", "threads"}, wantErr: `-mode must be pool, request, goroutine or net/http, got "threads"`},
		{name: "zero workers", args: []string{"serve", "-workers", "0"}, wantErr: "-workers must be between 1 and 100000, got 0"},
		{name: "zero timeout", args: []string{"serve", "-idle-timeout", "0s"}, wantErr: "-idle-timeout must be a positive duration"},
		{name: "tiny header limit", args: []string{"serve", "-max-header-bytes", "10"}, wantErr: "-max-header-bytes must be between 1024"},
		{name: "load without addr", args: []string{"load"}, wantErr: "-addr is required"},
		{name: "load bad path", args: []string{"load", "-addr", "x:1", "-path", "hello"}, wantErr: `-path must start with /, got "hello"`},
		{name: "unknown subcommand", args: []string{"server"}, wantErr: `unknown subcommand "server"`},
		{name: "stray argument", args: []string{"rpc", "x"}, wantErr: `unexpected argument "x"`},
		{name: "not a number", args: []string{"-clients", "many"}, wantErr: `invalid value "many" for flag -clients`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseArgs(tt.args, io.Discard)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), "\n", "an error is one line")
				return
			}
			require.NoError(t, err)
			tt.check(t, c)
		})
	}
}

// The lesson as a learner runs it, with a short burst: every section, the
// starvation of mode pool, and a graceful shutdown.
func TestDemoTellsTheStory(t *testing.T) {
	var b strings.Builder
	require.NoError(t, demo(&b, 2, 10, time.Second)) // generous: make test runs packages side by side
	out := b.String()
	last := -1
	for _, want := range []string{
		"== 1. Every endpoint",
		"GET /primes?n=1000             200 168",
		"GET /nope                      404",
		"GET /panic                     500 the handler panicked",
		"GET /hello (after the panic)   200 hello",
		"a 5000-byte header             431",
		"garbage: HELLO?                400",
		"== 2. 10 keep-alive clients for 1s",
		"pool       8 of 10 clients got no response",
		"halfway: 2 of 2 workers busy, 8 connections queued, 10 open",
		"request    0 of 10 clients got no response",
		"goroutine  0 of 10 clients got no response",
		"== 3. Stats",
		`"mode":"request"`,
		"the in-flight GET /sleep?ms=300 got: 200 slept 300ms",
		"Serve returned: server closed",
		"a new client now: connection refused",
	} {
		i := strings.Index(out, want)
		if assert.GreaterOrEqual(t, i, 0, "missing %q in:\n%s", want, out) {
			assert.Greater(t, i, last, "%q out of order", want)
			last = i
		}
	}
}

// The real program under real signals: `serve` in a child process, one
// request, then SIGTERM (or SIGINT): it shuts down gracefully and exits 0.
func TestServeExitsGracefullyOnSignal(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin, err := harness.Build(ctx, "./07-pool-server", false)
	require.NoError(t, err)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := harness.Command(ctx, bin, "serve", "-addr", "127.0.0.1:0", "-mode", "request")
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			lines := bufio.NewScanner(stdout)
			require.True(t, lines.Scan(), "the server printed its address")
			f := strings.Fields(lines.Text()) // serving http://127.0.0.1:PORT/ in mode ...
			require.GreaterOrEqual(t, len(f), 2, lines.Text())
			addr := strings.TrimSuffix(strings.TrimPrefix(f[1], "http://"), "/")
			status, body, err := roundTrip(addr, get("/primes?n=1000"))
			require.NoError(t, err)
			assert.Equal(t, 200, status)
			assert.Equal(t, "168\n", body)

			require.NoError(t, cmd.Process.Signal(sig))
			var rest strings.Builder
			for lines.Scan() {
				rest.WriteString(lines.Text() + "\n")
			}
			require.NoError(t, cmd.Wait(), rest.String())
			assert.Contains(t, rest.String(), "shutting down: no new connections")
			assert.Contains(t, rest.String(), "stopped after serving 1 responses (0 rejected)")
		})
	}
}

// A bad flag is one line on stderr and exit status 2.
func TestBadFlagExits2(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := harness.Run(ctx, "./07-pool-server", harness.Options{Args: []string{"serve", "-workers", "0"}})
	require.NoError(t, err)
	assert.Equal(t, 2, res.ExitCode, res.String())
	assert.Equal(t, "07-pool-server: -workers must be between 1 and 100000, got 0\n", res.Stderr)
	assert.Empty(t, res.Stdout)
}
