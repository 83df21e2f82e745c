package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// startServer serves cfg on 127.0.0.1:0 and, when the test ends, shuts it
// down gracefully, checks that Serve returned ErrServerClosed and that no
// goroutine outlived the server.
func startServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s, err := NewServer(cfg)
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), 10*time.Second)
		defer cancel()
		assert.NoError(t, s.Shutdown(ctx))
		assert.ErrorIs(t, <-served, ErrServerClosed)
		goleak.VerifyNone(t)
	})
	return s, ln.Addr().String()
}

// exchange writes raw bytes on a new connection and reads one response.
func exchange(t *testing.T, addr, raw string) (*http.Response, string, *bufio.Reader, net.Conn) {
	method, _, _ := strings.Cut(raw, " ")
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	_, err = io.WriteString(nc, raw)
	require.NoError(t, err)
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body), br, nc
}

// variants are the server designs every behaviour test runs against: the
// three modes, and mode request in both of its shapes.
var variants = []struct {
	name string
	cfg  Config
}{
	{"pool", Config{Mode: ModePool}},
	{"request", Config{Mode: ModeRequest}},
	{"request-handoff", Config{Mode: ModeRequest, Handoff: true}},
	{"goroutine", Config{Mode: ModeGoroutine}},
}

func req(method, target string, headers ...string) string {
	return method + " " + target + " HTTP/1.1\r\nHost: test\r\n" + strings.Join(headers, "") + "\r\n"
}

// Every endpoint and every bad input, in every mode: the handlers are the
// same, and so must be the answers.
func TestEndpointsAndBadInput(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		status   int
		body     string // a substring of the body
		closes   bool   // the server closes the connection after answering
		noBody   bool
		retryHdr bool
	}{
		{name: "index", raw: req("GET", "/"), status: 200, body: "GET /primes?n=N"},
		{name: "hello", raw: req("GET", "/hello"), status: 200, body: "hello\n"},
		{name: "primes 1000", raw: req("GET", "/primes?n=1000"), status: 200, body: "168\n"},
		{name: "primes 0", raw: req("GET", "/primes?n=0"), status: 200, body: "0\n"},
		{name: "primes at the bound", raw: req("GET", "/primes?n=1000000"), status: 200, body: "78498\n"},
		{name: "primes over the bound", raw: req("GET", "/primes?n=1000001"), status: 400, body: `n must be an integer from 0 to 1000000, got "1000001"`},
		{name: "primes not a number", raw: req("GET", "/primes?n=lots"), status: 400, body: `got "lots"`},
		{name: "primes missing n", raw: req("GET", "/primes"), status: 400, body: "missing parameter n"},
		{name: "sleep", raw: req("GET", "/sleep?ms=1"), status: 200, body: "slept 1ms"},
		{name: "sleep negative", raw: req("GET", "/sleep?ms=-5"), status: 400, body: "ms must be an integer from 0 to 5000"},
		{name: "sleep too long", raw: req("GET", "/sleep?ms=5001"), status: 400, body: "ms must be"},
		{name: "stats", raw: req("GET", "/stats"), status: 200, body: `"workers":`},
		{name: "unknown path", raw: req("GET", "/nope"), status: 404, body: "404 page not found"},
		{name: "wrong method", raw: req("POST", "/hello", "Content-Length: 3\r\n") + "abc", status: 405},
		{name: "head", raw: req("HEAD", "/hello"), status: 200, noBody: true},
		{name: "panic", raw: req("GET", "/panic"), status: 500, body: "the handler panicked"},
		{name: "client asks to close", raw: req("GET", "/hello", "Connection: close\r\n"), status: 200, closes: true},
		{name: "HTTP/1.0 closes", raw: "GET /hello HTTP/1.0\r\n\r\n", status: 200, closes: true},
		{name: "malformed request line", raw: "HELLO\r\n\r\n", status: 400, body: "malformed HTTP request", closes: true},
		{name: "bad version", raw: "GET / HTTP/x.y\r\n\r\n", status: 400, body: "malformed HTTP version", closes: true},
		{name: "malformed header", raw: "GET / HTTP/1.1\r\nno colon here\r\n\r\n", status: 400, body: "malformed MIME header", closes: true},
		{name: "bad content length", raw: "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", status: 400, closes: true},
		{name: "oversized header", raw: req("GET", "/hello", "X-Big: "+strings.Repeat("x", 5000)+"\r\n"), status: 431, body: "request header larger than 4096 bytes", closes: true},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			cfg := v.cfg
			cfg.Workers, cfg.MaxHeaderBytes = 2, 4096
			s, addr := startServer(t, cfg)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					resp, body, br, _ := exchange(t, addr, tt.raw)
					assert.Equal(t, tt.status, resp.StatusCode)
					assert.Contains(t, body, tt.body)
					if resp.StatusCode >= 400 {
						assert.NotContains(t, strings.TrimSuffix(body, "\n"), "\n", "an error is one line")
					}
					if tt.noBody {
						assert.Empty(t, body)
						assert.Equal(t, "6", resp.Header.Get("Content-Length"))
					}
					if tt.closes {
						assert.True(t, resp.Close, "Connection: close")
						_, err := br.ReadByte()
						assert.ErrorIs(t, err, io.EOF, "the server closed the connection")
					} else {
						assert.False(t, resp.Close, "kept alive")
					}
				})
			}
			assert.Equal(t, string(cfg.Mode), s.Stats().Mode)
		})
	}
}

// Several requests on one connection, some pipelined (sent before reading
// the answers): they come back in order, and the connection stays open.
func TestKeepAliveAndPipelining(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			_, addr := startServer(t, v.cfg)
			nc, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer nc.Close()
			nc.SetDeadline(time.Now().Add(10 * time.Second))
			_, err = io.WriteString(nc, req("GET", "/primes?n=10")+req("GET", "/hello")+req("GET", "/primes?n=100"))
			require.NoError(t, err)
			br := bufio.NewReader(nc)
			for _, want := range []string{"4\n", "hello\n", "25\n"} {
				resp, err := http.ReadResponse(br, nil)
				require.NoError(t, err)
				body, _ := io.ReadAll(resp.Body)
				assert.Equal(t, want, string(body))
				assert.False(t, resp.Close)
			}
			// ab -k speaks HTTP/1.0 and asks for keep-alive.
			_, err = io.WriteString(nc, "GET /hello HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
			require.NoError(t, err)
			resp, err := http.ReadResponse(br, nil)
			require.NoError(t, err)
			io.Copy(io.Discard, resp.Body)
			assert.Equal(t, "keep-alive", resp.Header.Get("Connection"))
		})
	}
}

// A thousand clients at once, each with its own connection, in every mode:
// every one gets its answer. Modes with a pool use Block, so a full queue
// makes the server wait (back-pressure) instead of answering 503.
func TestThousandClientsLoseNothing(t *testing.T) {
	const clients = 1000
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			cfg := v.cfg
			cfg.Workers, cfg.Queue, cfg.Block = 8, 64, true
			s, addr := startServer(t, cfg)
			var wg sync.WaitGroup
			errs := make(chan error, clients)
			for i := range clients {
				wg.Go(func() {
					nc, err := net.Dial("tcp", addr)
					if err != nil {
						errs <- err
						return
					}
					defer nc.Close()
					nc.SetDeadline(time.Now().Add(20 * time.Second))
					n := 1000 + i%10
					if _, err := io.WriteString(nc, req("GET", fmt.Sprintf("/primes?n=%d", n), "Connection: close\r\n")); err != nil {
						errs <- err
						return
					}
					resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
					if err != nil {
						errs <- err
						return
					}
					body, err := io.ReadAll(resp.Body)
					if err != nil || resp.StatusCode != 200 || string(body) != fmt.Sprintf("%d\n", countPrimes(n)) {
						errs <- fmt.Errorf("client %d: %d %q %v", i, resp.StatusCode, body, err)
					}
				})
			}
			wg.Wait()
			close(errs)
			var lost []error
			for err := range errs {
				lost = append(lost, err)
			}
			assert.Empty(t, lost, "lost responses")
			// A client can read its response before the server's goroutine
			// counts it; after Shutdown every count is in.
			require.NoError(t, s.Shutdown(t.Context()))
			st := s.Stats()
			assert.EqualValues(t, clients, st.Served)
			assert.Zero(t, st.Rejected)
		})
	}
}

// Shutdown while clients keep sending: every response a client started to
// receive is complete, the server counts exactly the responses the clients
// got, and Shutdown returns nil well inside its deadline.
func TestShutdownUnderLoad(t *testing.T) {
	const clients = 20
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			cfg := v.cfg
			cfg.Workers = 32
			s, err := NewServer(cfg)
			require.NoError(t, err)
			served := make(chan error, 1)
			go func() { served <- s.Serve(ln) }()

			var wg sync.WaitGroup
			var mu sync.Mutex
			got, truncated := 0, 0
			first := make(chan struct{}, clients)
			for range clients {
				wg.Go(func() {
					nc, err := net.Dial("tcp", ln.Addr().String())
					if err != nil {
						return
					}
					defer nc.Close()
					nc.SetDeadline(time.Now().Add(20 * time.Second))
					cr := &countingReader{r: nc}
					br := bufio.NewReader(cr)
					for i := 0; i < 1000; i++ { // bounded; shutdown ends it long before
						cr.n = 0
						if _, err := io.WriteString(nc, req("GET", "/sleep?ms=20")); err != nil {
							return
						}
						resp, err := http.ReadResponse(br, nil)
						if err == nil {
							_, err = io.ReadAll(resp.Body)
						}
						mu.Lock()
						switch {
						case err == nil && resp.StatusCode == 200:
							got++
						case err != nil && cr.n == 0 && br.Buffered() == 0:
							// Closed between responses, before a byte of this one:
							// the keep-alive race every HTTP client retries.
						default:
							truncated++
							t.Logf("broken response after %d bytes: %v", cr.n, err)
						}
						mu.Unlock()
						if err != nil || resp.Close {
							return
						}
						if i == 0 {
							first <- struct{}{}
						}
					}
				})
			}
			for range clients { // everybody is in the middle of something
				<-first
			}
			ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), 10*time.Second)
			defer cancel()
			require.NoError(t, s.Shutdown(ctx))
			assert.ErrorIs(t, <-served, ErrServerClosed)
			wg.Wait()
			assert.Zero(t, truncated, "responses cut off or broken")
			assert.GreaterOrEqual(t, got, clients)
			assert.EqualValues(t, got, s.Stats().Served, "every response written was received")
			assert.Zero(t, s.Stats().OpenConns)
			goleak.VerifyNone(t)
		})
	}
}

// countingReader counts the bytes that arrive, so a test can tell a
// connection closed before a response from one closed in the middle of it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestNewServerRejectsBadConfig(t *testing.T) {
	_, err := NewServer(Config{Mode: "threads"})
	assert.ErrorContains(t, err, `mode must be pool, request or goroutine, got "threads"`)
	_, err = NewServer(Config{Workers: -1})
	assert.ErrorContains(t, err, "workers and queue must be ≥ 1")
}
