package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/harness"

	"github.com/gocourse/concurrency/internal/lesson/lessontest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(harness.WithCleanup(m)) }

// Bad command lines: one line on stderr naming the flag, exit status 2.
func TestBadArguments(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"serve", "-mode", "threads"}, `-mode must be pool, request, goroutine or net/http, got "threads"`},
		{[]string{"serve", "-workers", "0"}, "-workers must be between 1 and 100000, got 0"},
		{[]string{"serve", "-idle-timeout", "0s"}, "-idle-timeout must be between 1ms and 24h0m0s, got 0s"},
		{[]string{"serve", "-max-header-bytes", "10"}, "-max-header-bytes must be between 1024 and 1048576, got 10"},
		{[]string{"serve", "-pprof", "6060"}, `-pprof must be host:port, such as 127.0.0.1:6060, got "6060"`},
		{[]string{"serve", "-pprof", "127.0.0.1:8080"}, `-pprof must not be -addr (the profiles get a port of their own), got "127.0.0.1:8080" for both`},
		{[]string{"serve", "-flight", "-1s"}, "-flight must be between 0s and 1m0s, got -1s"},
		{[]string{"serve", "-flight", "2m"}, "-flight must be between 0s and 1m0s, got 2m0s"},
		{[]string{"serve", "-flight", "slow"}, `invalid value "slow" for flag -flight`},
		{[]string{"serve", "-dir", "."}, "-dir is where -flight writes its snapshots: give -flight too"},
		{[]string{"serve", "-flight", "1s", "-dir", "no/such/dir"}, `-dir must be an existing directory, got "no/such/dir"`},
		{[]string{"serve", "-flight", "1s", "-dir", "main.go"}, `-dir must be an existing directory, got "main.go"`},
		{[]string{"load"}, "-addr is required"},
		{[]string{"load", "-addr", "x:1", "-path", "hello"}, `-path must start with /, got "hello"`},
		{[]string{"load", "-addr", "x:1", "-max-error-rate", "2"}, "-max-error-rate must be between 0 and 1, got 2"},
		{[]string{"server"}, `unknown command "server"`},
		{[]string{"rpc", "x"}, `unknown command "x"`},
		{[]string{"rpc", "call", "-n", "-1"}, "-n must be between 0 and 1000000, got -1"},
		{[]string{"-clients", "many"}, `invalid value "many" for flag -clients`},
		{[]string{"-only", "5"}, "-only takes section numbers from 1 to 4"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errw strings.Builder
			code := chapter.Run(t.Context(), tt.args, &out, &errw)
			assert.Equal(t, 2, code)
			assert.Contains(t, errw.String(), tt.wantErr)
			assert.Equal(t, 1, strings.Count(errw.String(), "\n"), "one line: %q", errw.String())
			assert.True(t, strings.HasPrefix(errw.String(), "07-pool-server: "))
		})
	}
}

// -h lists the sections and the commands, and rpc -h its subcommands.
func TestHelp(t *testing.T) {
	var out, errw strings.Builder
	require.Equal(t, 0, chapter.Run(t.Context(), []string{"-h"}, &out, &errw))
	for _, want := range []string{"usage: go run ./07-pool-server [flags]", "1. Every endpoint, over a raw socket",
		"2. Keep-alive clients against each mode", "3. Stats, then a graceful shutdown", "serve", "load", "compare", "rpc"} {
		assert.Contains(t, errw.String(), want)
	}
	errw.Reset()
	require.Equal(t, 0, chapter.Run(t.Context(), []string{"rpc", "-h"}, &out, &errw))
	assert.Contains(t, errw.String(), "serve ")
	assert.Contains(t, errw.String(), "call ")
}

// The lesson as a learner runs it, with a short burst: every section, the
// starvation of mode pool, and a graceful shutdown.
func TestDemoTellsTheStory(t *testing.T) {
	var b strings.Builder
	var errw strings.Builder
	// A generous burst: make test runs packages side by side.
	require.Equal(t, 0, chapter.Run(t.Context(), []string{"-workers", "2", "-clients", "10", "-d", "1s"}, &b, &errw), errw.String())
	out := b.String()
	last := -1
	for _, want := range []string{
		"== 1. Every endpoint, over a raw socket ==",
		"GET /primes?n=1000             200 168",
		"GET /nope                      404",
		"GET /panic                     500 the handler panicked",
		"GET /hello (after the panic)   200 hello",
		"a 5000-byte header             431",
		"garbage: HELLO?                400",
		"HTTP/1.1 without Host          400 missing required Host header",
		"a chunked body that lies       1 responses [405], then the server closed",
		"== 2. Keep-alive clients against each mode ==",
		"10 keep-alive clients for 1s",
		"pool       8 of 10 clients got no response",
		"halfway: 2 of 2 workers busy, 8 connections queued, 10 open",
		"request    0 of 10 clients got no response",
		"goroutine  0 of 10 clients got no response",
		"== 3. Stats, then a graceful shutdown ==",
		`"mode":"request"`,
		"the in-flight GET /sleep?ms=300 got: 200 slept 300ms",
		"Serve returned: server closed",
		"a new client now: connection refused",
		"== 4. The same work over net/rpc, with limits ==",
		"Primes.Count(1000) = 168",
		"2000 calls from 10 goroutines over one connection: 0 failed, 0 wrong",
		"Next: 08-pipelines",
	} {
		i := strings.Index(out, want)
		if assert.GreaterOrEqual(t, i, 0, "missing %q in:\n%s", want, out) {
			assert.Greater(t, i, last, "%q out of order", want)
			last = i
		}
	}
}

// A bad flag is one line on stderr and exit status 2.
func TestBadFlagExits2(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	res, err := harness.Run(ctx, "./07-pool-server", harness.Options{Args: []string{"serve", "-workers", "0"}})
	require.NoError(t, err)
	assert.Equal(t, 2, res.ExitCode, res.String())
	assert.Equal(t, "07-pool-server: serve: -workers must be between 1 and 100000, got 0\n", res.Stderr)
	assert.Empty(t, res.Stdout)
}

// The page follows the lesson: the same sections, in the same order, in the
// shape every chapter page has.
func TestPageFollowsTheLesson(t *testing.T) { lessontest.Page(t, chapter) }
