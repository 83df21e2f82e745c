package main

import (
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The starvation lesson as a test: more keep-alive clients than workers.
// In mode pool the first clients own the workers and the others get nothing
// at all; in modes request and goroutine every client is answered.
// A tool that only reports completed requests (wrk) sees no error in any.
func TestKeepAliveStarvation(t *testing.T) {
	const workers, clients = 2, 8
	for _, tc := range []struct {
		mode   Mode
		silent int
	}{{ModePool, clients - workers}, {ModeRequest, 0}, {ModeGoroutine, 0}} {
		t.Run(string(tc.mode), func(t *testing.T) {
			_, addr := startServer(t, Config{Mode: tc.mode, Workers: workers})
			r := RunLoad(t.Context(), LoadConfig{Addr: addr, Clients: clients, Duration: 600 * time.Millisecond, KeepAlive: true, Path: "/hello"})
			assert.Equal(t, tc.silent, r.Silent, "clients that got no response")
			assert.Zero(t, r.ErrorCount(), "no errors: starvation is silent")
			assert.Positive(t, r.OK)
			assert.Len(t, r.PerClient, clients)
		})
	}
}

// Without keep-alive every request is a new connection, so even mode pool
// serves every client in turn.
func TestNoKeepAliveIsFairInPoolMode(t *testing.T) {
	_, addr := startServer(t, Config{Mode: ModePool, Workers: 2})
	r := RunLoad(t.Context(), LoadConfig{Addr: addr, Clients: 8, Duration: 600 * time.Millisecond, Path: "/hello"})
	assert.Zero(t, r.Silent)
	assert.Zero(t, r.ErrorCount(), r.Errors)
}

// A polite client backs off after a 503 for Retry-After seconds.
func TestLoadCountsRejections(t *testing.T) {
	_, addr := startServer(t, Config{Mode: ModeRequest, Workers: 1, Queue: 1})
	r := RunLoad(t.Context(), LoadConfig{Addr: addr, Clients: 20, Duration: 300 * time.Millisecond, KeepAlive: true, Path: "/sleep?ms=50"})
	assert.Positive(t, r.Status[503], "a full queue answered 503")
	assert.Zero(t, r.ErrorCount())
}

func TestLoadReportsRefusedConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now
	r := RunLoad(t.Context(), LoadConfig{Addr: addr, Clients: 2, Duration: 50 * time.Millisecond, KeepAlive: true, Path: "/"})
	assert.Positive(t, r.Errors["connect: refused"])
	assert.Equal(t, 2, r.Silent)
	var b strings.Builder
	r.Report(&b)
	assert.Contains(t, b.String(), "errors:      connect: refused ")
	assert.Contains(t, b.String(), "fairness:    2 of 2 clients got no response at all, 2 got no 2xx")
}

func TestReportArithmetic(t *testing.T) {
	r := LoadResult{
		Config:    LoadConfig{Clients: 4, Duration: time.Second, KeepAlive: true, Path: "/hello"},
		Elapsed:   2 * time.Second,
		OK:        6,
		Status:    map[int]int64{503: 2},
		Errors:    map[string]int64{"read: reset": 1, "connect: refused": 3},
		PerClient: []int{0, 1, 2, 3},
		Silent:    1,
		Unserved:  1,
	}
	for i := 1; i <= 8; i++ {
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	assert.Equal(t, 4.0, r.Throughput())
	assert.Equal(t, 4*time.Millisecond, r.Percentile(50))
	assert.Equal(t, 8*time.Millisecond, r.Percentile(100))
	assert.EqualValues(t, 4, r.ErrorCount())
	var b strings.Builder
	r.Report(&b)
	assert.Equal(t, `load: 4 clients, 1s, keep-alive, GET /hello
  responses:   6 ok (2xx), 2 × 503
  throughput:  4 responses/s
  latency:     p50 4ms  p90 7ms  p99 7ms  max 8ms
  errors:      connect: refused 3, read: reset 1
  unanswered:  0 requests still waiting when time ran out
  fairness:    1 of 4 clients got no response at all, 1 got no 2xx
               2xx per client: min 0, median 2, max 3
`, b.String())
}

// compare runs all four servers; with more keep-alive clients than workers
// only mode pool leaves clients unanswered.
func TestCompareTable(t *testing.T) {
	var b strings.Builder
	require.NoError(t, Compare(t.Context(), &b, Config{Workers: 2}, LoadConfig{Clients: 10, Duration: 500 * time.Millisecond, KeepAlive: true, Path: "/hello"}, 1))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 9, b.String())
	noResponse := map[string]int{}
	for _, line := range lines[2:7] {
		f := strings.Fields(line)
		n, err := strconv.Atoi(f[len(f)-2])
		require.NoError(t, err, line)
		noResponse[f[0]] = n
	}
	assert.Equal(t, map[string]int{"pool": 8, "request-handoff": 0, "request": 0, "goroutine": 0, "net/http": 0}, noResponse, b.String())
}

// The serve command shuts down gracefully when its context ends (as
// SIGINT or SIGTERM end it), and exits 130, as an interrupted lesson does.
func TestServeStopsGracefully(t *testing.T) {
	for _, mode := range []string{"request", "net/http"} {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			pr, pw := net.Pipe()
			done := make(chan int, 1)
			go func() {
				done <- chapter.Run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-mode", mode}, pw, io.Discard)
				pw.Close()
			}()
			buf := make([]byte, 4096)
			n, err := pr.Read(buf)
			require.NoError(t, err)
			first := string(buf[:n])
			require.Contains(t, first, "serving http://127.0.0.1:")
			addr := strings.TrimPrefix(strings.Fields(first)[1], "http://")
			addr = strings.TrimSuffix(addr, "/")
			status, body, err := roundTrip(addr, get("/primes?n=1000"))
			require.NoError(t, err)
			assert.Equal(t, 200, status)
			assert.Equal(t, "168\n", body)
			go cancel()
			rest := new(strings.Builder)
			for {
				n, err := pr.Read(buf)
				rest.Write(buf[:n])
				if err != nil {
					break
				}
			}
			assert.Equal(t, 130, <-done)
			assert.Contains(t, rest.String(), "shutting down")
		})
	}
}

// load exits 1 when nothing answered, and says why.
func TestLoadFailsWhenNothingAnswers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	var out, errw strings.Builder
	code := chapter.Run(t.Context(), []string{"load", "-addr", addr, "-c", "2", "-d", "100ms"}, &out, &errw)
	assert.Equal(t, 1, code)
	assert.Contains(t, errw.String(), "no response at all from "+addr+" (errors: connect: refused ")
	assert.Contains(t, out.String(), "fairness:    2 of 2 clients got no response at all")
}

// The listen hint is for an address in use only.
func TestServeListenErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var errw strings.Builder
	code := chapter.Run(t.Context(), []string{"serve", "-addr", ln.Addr().String()}, io.Discard, &errw)
	assert.Equal(t, 1, code)
	assert.Contains(t, errw.String(), "address already in use (is another server on that port?")
	for _, addr := range []string{"127.0.0.1:99999", "no-such-host.invalid:80"} {
		errw.Reset()
		code := chapter.Run(t.Context(), []string{"serve", "-addr", addr}, io.Discard, &errw)
		assert.Equal(t, 1, code)
		assert.NotContains(t, errw.String(), "another server", addr)
	}
}
