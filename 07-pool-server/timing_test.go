package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests run the server on net.Pipe connections inside a synctest
// bubble: time is fake, a timeout of seconds passes in no real time, and
// synctest.Wait returns once every goroutine is stuck waiting, which is how
// a test knows "the server has done all it can" without sleeping.

// pipeServer starts a server on a pipeListener inside the current bubble.
// stop shuts it down and checks Serve's result.
func pipeServer(t *testing.T, cfg Config) (s *Server, l *pipeListener, stop func()) {
	t.Helper()
	l = newPipeListener()
	s, err := NewServer(cfg)
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	return s, l, func() {
		require.NoError(t, s.Shutdown(t.Context()))
		assert.ErrorIs(t, <-served, ErrServerClosed)
	}
}

// pipeClient is one client connection with a reader for responses.
type pipeClient struct {
	nc net.Conn
	br *bufio.Reader
}

func dialPipe(t *testing.T, l *pipeListener) *pipeClient {
	t.Helper()
	nc, err := l.Dial()
	require.NoError(t, err)
	return &pipeClient{nc: nc, br: bufio.NewReader(nc)}
}

// send writes without waiting for the server to read (a pipe write blocks
// until the other side reads it all).
func (c *pipeClient) send(s string) {
	go io.WriteString(c.nc, s)
}

func (c *pipeClient) response(t *testing.T) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(c.br, nil)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// closed reports whether the server has closed the connection.
func (c *pipeClient) closed() bool {
	_, err := c.br.ReadByte()
	return errors.Is(err, io.EOF)
}

// Slowloris against mode pool with one worker: a client that sends half a
// header holds the only worker, but only for ReadHeaderTimeout; then it gets
// 408 and the client queued behind it is served. Dribbling a byte at a time
// does not extend the deadline.
func TestSlowlorisCannotHoldAWorker(t *testing.T) {
	for _, dribble := range []bool{false, true} {
		name := map[bool]string{false: "silent", true: "dribbling"}[dribble]
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				_, l, stop := pipeServer(t, Config{Mode: ModePool, Workers: 1, ReadHeaderTimeout: 2 * time.Second})
				start := time.Now()
				slow := dialPipe(t, l)
				slow.send("GET /hello HTTP/1.1\r\nX-Slow: ")
				var wg sync.WaitGroup
				if dribble {
					wg.Go(func() {
						for range 100 { // one header byte every 100ms, for up to 10s
							time.Sleep(100 * time.Millisecond)
							if _, err := io.WriteString(slow.nc, "X"); err != nil {
								return // the server hung up
							}
						}
					})
				}
				synctest.Wait()
				time.Sleep(time.Second) // the next client comes 1s later, with 2s of its own
				next := dialPipe(t, l)
				next.send(req("GET", "/hello"))

				resp, body := slow.response(t)
				assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
				assert.Equal(t, "request header not received in time\n", body)
				assert.Equal(t, 2*time.Second, time.Since(start), "held the worker exactly ReadHeaderTimeout")

				resp, body = next.response(t)
				assert.Equal(t, 200, resp.StatusCode)
				assert.Equal(t, "hello\n", body)
				assert.Equal(t, 2*time.Second, time.Since(start), "served as soon as the worker was free")
				slow.nc.Close()
				wg.Wait()
				next.nc.Close()
				stop()
			})
		})
	}
}

// A kept-alive client that goes quiet holds its worker in mode pool until
// IdleTimeout, then is closed without a word; in mode request it holds only
// its own goroutine, and the next client is served at once.
func TestIdleKeepAliveHoldsAPoolWorker(t *testing.T) {
	for _, tc := range []struct {
		mode Mode
		wait time.Duration
	}{{ModePool, 3 * time.Second}, {ModeRequest, 0}} {
		t.Run(string(tc.mode), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				_, l, stop := pipeServer(t, Config{Mode: tc.mode, Workers: 1, IdleTimeout: 3 * time.Second})
				idle := dialPipe(t, l)
				idle.send(req("GET", "/hello"))
				resp, _ := idle.response(t)
				require.Equal(t, 200, resp.StatusCode)

				start := time.Now()
				next := dialPipe(t, l)
				next.send(req("GET", "/primes?n=1000"))
				_, body := next.response(t)
				assert.Equal(t, "168\n", body)
				assert.Equal(t, tc.wait, time.Since(start))
				if tc.mode == ModePool {
					assert.True(t, idle.closed(), "the idle connection was closed at IdleTimeout")
				}
				idle.nc.Close()
				next.nc.Close()
				stop()
			})
		})
	}
}

// A client that sends half a request and hangs up frees its worker at once.
func TestDisconnectMidRequestFreesTheWorker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, l, stop := pipeServer(t, Config{Mode: ModePool, Workers: 1})
		start := time.Now()
		quitter := dialPipe(t, l)
		io.WriteString(quitter.nc, "GET /hel")
		synctest.Wait()
		assert.EqualValues(t, 1, s.Stats().Busy)
		quitter.nc.Close()
		next := dialPipe(t, l)
		next.send(req("GET", "/hello"))
		resp, _ := next.response(t)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Zero(t, time.Since(start), "no timeout was needed")
		next.nc.Close()
		stop()
	})
}

// A full queue answers 503 with Retry-After at once, in both pooled modes:
// mode pool refuses the connection, mode request refuses the request and
// keeps the connection.
func TestQueueFullAnswers503AtOnce(t *testing.T) {
	t.Run("pool", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, l, stop := pipeServer(t, Config{Mode: ModePool, Workers: 1, Queue: 1})
			holder := dialPipe(t, l) // keeps the worker
			holder.send(req("GET", "/hello"))
			holder.response(t)
			waiter := dialPipe(t, l) // fills the queue
			synctest.Wait()
			require.Equal(t, Stats{Mode: "pool", Workers: 1, Busy: 1, Queued: 1, Served: 1, OpenConns: 2}, withoutUptime(s.Stats()))

			start := time.Now()
			extra := dialPipe(t, l)
			extra.send(req("GET", "/hello"))
			resp, body := extra.response(t)
			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
			assert.Equal(t, "1", resp.Header.Get("Retry-After"))
			assert.Equal(t, "server busy, queue full\n", body)
			assert.True(t, resp.Close)
			assert.Zero(t, time.Since(start), "answered at once")
			assert.True(t, extra.closed())
			assert.EqualValues(t, 1, s.Stats().Rejected)
			for _, c := range []*pipeClient{holder, waiter, extra} {
				c.nc.Close()
			}
			stop()
		})
	})
	for _, handoff := range []bool{false, true} {
		t.Run(fmt.Sprintf("request/handoff=%t", handoff), func(t *testing.T) {
			testRequestQueueFull(t, handoff)
		})
	}
}

func testRequestQueueFull(t *testing.T, handoff bool) {
	synctest.Test(t, func(t *testing.T) {
		s, l, stop := pipeServer(t, Config{Mode: ModeRequest, Handoff: handoff, Workers: 1, Queue: 1})
		a, b := dialPipe(t, l), dialPipe(t, l)
		a.send(req("GET", "/sleep?ms=1000")) // runs
		synctest.Wait()
		b.send(req("GET", "/sleep?ms=1000")) // waits in the queue
		synctest.Wait()
		require.EqualValues(t, 1, s.Stats().Queued)

		start := time.Now()
		c := dialPipe(t, l)
		c.send(req("GET", "/hello"))
		resp, _ := c.response(t)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		assert.Equal(t, "1", resp.Header.Get("Retry-After"))
		assert.False(t, resp.Close, "the connection stays usable")
		assert.Zero(t, time.Since(start))

		time.Sleep(3 * time.Second)  // Retry-After, and then some
		c.send(req("GET", "/hello")) // on the same connection
		resp, _ = c.response(t)
		assert.Equal(t, 200, resp.StatusCode)
		for _, r := range []*pipeClient{a, b} {
			resp, _ := r.response(t)
			assert.Equal(t, 200, resp.StatusCode)
		}
		for _, r := range []*pipeClient{a, b, c} {
			r.nc.Close()
		}
		stop()
	})
}

func withoutUptime(s Stats) Stats { s.Uptime = ""; return s }

// Out of file descriptors: Accept fails with EMFILE. The server pauses 5ms,
// 10ms, 20ms, ... between tries instead of spinning or dying, and serves
// again as soon as Accept works.
func TestAcceptErrorsBackOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := &failingListener{pipeListener: newPipeListener(), failures: 5}
		var logged []string
		s, err := NewServer(Config{Logf: func(f string, a ...any) { logged = append(logged, f) }})
		require.NoError(t, err)
		served := make(chan error, 1)
		start := time.Now()
		go func() { served <- s.Serve(l) }()
		c := dialPipe(t, l.pipeListener)
		c.send(req("GET", "/hello"))
		resp, _ := c.response(t)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, (5+10+20+40+80)*time.Millisecond, time.Since(start))
		assert.Len(t, logged, 5)
		c.nc.Close()
		require.NoError(t, s.Shutdown(t.Context()))
		assert.ErrorIs(t, <-served, ErrServerClosed)
	})
}

type failingListener struct {
	*pipeListener
	failures int
}

func (l *failingListener) Accept() (net.Conn, error) {
	if l.failures > 0 {
		l.failures--
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.pipeListener.Accept()
}

// Shutdown with a deadline: a kept-alive idle client is closed at once, a
// request in flight is finished, and a handler that would outlive the
// deadline is cancelled, so Shutdown returns when the deadline passes.
func TestShutdownDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, l, _ := pipeServer(t, Config{Mode: ModeRequest})
		idle := dialPipe(t, l)
		idle.send(req("GET", "/hello"))
		idle.response(t)
		short, long := dialPipe(t, l), dialPipe(t, l)
		short.send(req("GET", "/sleep?ms=100"))
		long.send(req("GET", "/sleep?ms=5000"))
		synctest.Wait()

		start := time.Now()
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		var shutdownErr error
		var wg sync.WaitGroup
		wg.Go(func() { shutdownErr = s.Shutdown(ctx) })
		assert.True(t, idle.closed(), "idle connection closed")
		assert.Zero(t, time.Since(start))
		resp, body := short.response(t)
		assert.Equal(t, "slept 100ms\n", body)
		assert.True(t, resp.Close, "the last response says Connection: close")
		wg.Wait()
		assert.ErrorIs(t, shutdownErr, context.DeadlineExceeded)
		assert.Equal(t, time.Second, time.Since(start))
		for _, c := range []*pipeClient{idle, short, long} {
			c.nc.Close()
		}
	})
}
