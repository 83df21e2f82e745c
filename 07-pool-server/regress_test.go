package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Regression tests for the defects of issue 16 that need time or a real
// socket; the framing defects are cases of TestDifferential.

// A body that arrives too slowly must not be read as the next request: the
// client declares 100 bytes, sends 10, and sends the other 90 after the
// header deadline, where they happen to be a whole request of their own.
func TestSlowBodyIsNotARequest(t *testing.T) {
	smuggled := get7
	smuggled = strings.Replace(smuggled, "\r\n\r\n", "\r\nX-Pad: "+strings.Repeat("p", 90-len(smuggled)-9)+"\r\n\r\n", 1)
	require.Len(t, smuggled, 90)
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cfg := v.cfg
				cfg.ReadHeaderTimeout = 5 * time.Second
				_, l, stop := memServer(t, cfg)
				c, err := l.Dial()
				require.NoError(t, err)
				out := readAllAsync(c)
				_, err = io.WriteString(c, post("Content-Length: 100\r\n", "0123456789"))
				require.NoError(t, err)
				time.Sleep(6 * time.Second)
				io.WriteString(c, smuggled) // may fail: the server may have hung up
				c.CloseWrite()
				raw := <-out
				st := parseStatuses(raw, false)
				assert.NotContains(t, st, 200, "the body's tail was served as a request: %q", raw)
				c.Close()
				stop()
			})
		})
	}
}

// A body over the drain limit closes the connection, but lingers first, as
// net/http does: the client that is still sending gets the whole answer and
// then an orderly end of stream, never a reset that destroys the answer.
//
// A reset is reported once, to whichever call meets it first: the reader, or
// the writer still sending the body. So both errors are checked, and the body
// is larger than loopback can hold in flight (4 MiB of send buffer plus 6 MiB
// of receive buffer at most, Linux's defaults), so the writer is still sending
// when a server that does not linger hangs up.
func TestBodyOverTheLimitIsNotReset(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			_, addr := startServer(t, v.cfg)
			nc, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer nc.Close()
			nc.SetDeadline(time.Now().Add(20 * time.Second))
			const size = 16 << 20
			var wg sync.WaitGroup
			var werr error
			wg.Go(func() {
				io.WriteString(nc, post(fmt.Sprintf("Content-Length: %d\r\n", size), ""))
				chunk := make([]byte, 64<<10)
				for sent := 0; sent < size; sent += len(chunk) {
					if _, werr = nc.Write(chunk); werr != nil {
						return
					}
				}
				nc.(*net.TCPConn).CloseWrite()
			})
			br := bufio.NewReader(nc)
			resp, err := http.ReadResponse(br, nil)
			require.NoError(t, err)
			_, err = io.Copy(io.Discard, resp.Body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
			assert.True(t, resp.Close, "Connection: close")
			_, err = br.ReadByte()
			assert.ErrorIs(t, err, io.EOF, "an orderly close, not a reset")
			assert.False(t, errors.Is(err, syscall.ECONNRESET))
			wg.Wait()
			assert.NoError(t, werr, "the whole body was taken, not refused with a reset")
		})
	}
}

// Mode pool: the header clock starts at accept, not when a worker picks the
// connection up. A connection that waited in the queue past its header
// deadline is closed at once when its turn comes (408), so a queue of silent
// connections drains at once instead of taking ReadHeaderTimeout each.
func TestPoolHeaderClockStartsAtAccept(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, l, stop := memServer(t, Config{Mode: ModePool, Workers: 1, Queue: 8, ReadHeaderTimeout: 2 * time.Second})
		start := time.Now()
		var silent []*memConn
		for range 4 { // one holds the worker, three wait in the queue; none speaks
			c, err := l.Dial()
			require.NoError(t, err)
			silent = append(silent, c)
		}
		time.Sleep(time.Second)
		c, err := l.Dial()
		require.NoError(t, err)
		io.WriteString(c, "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
		raw := <-readAllAsync(c)
		assert.Equal(t, []int{200}, parseStatuses(raw, false))
		assert.Equal(t, 2*time.Second, time.Since(start), "served as soon as the silent ones' time was up")
		for _, s := range append(silent, c) {
			s.Close()
		}
		stop()
	})
}

// Mode pool's promise: a connection that waits in the queue gets an answer
// within ReadHeaderTimeout of being accepted, whatever holds the workers. A
// kept-alive client may hold the only worker for IdleTimeout (30s); the
// client queued behind it gets 503 at 2s instead of waiting 30s.
func TestPoolQueueWaitIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, l, stop := memServer(t, Config{Mode: ModePool, Workers: 1, Queue: 8, ReadHeaderTimeout: 2 * time.Second})
		holder, err := l.Dial()
		require.NoError(t, err)
		holderOut := make(chan []byte)
		go func() {
			io.WriteString(holder, getH)
			holderOut <- <-readAllAsync(holder)
		}()
		synctest.Wait()
		start := time.Now()
		c, err := l.Dial()
		require.NoError(t, err)
		io.WriteString(c, getH)
		raw := <-readAllAsync(c)
		assert.Equal(t, []int{503}, parseStatuses(raw, false))
		assert.Equal(t, 2*time.Second, time.Since(start), "answered when its time in the queue was up")
		assert.EqualValues(t, 1, s.Stats().Rejected)
		holder.Close()
		<-holderOut
		c.Close()
		stop()
	})
}

// memServer starts a server on a memListener inside the current bubble.
func memServer(t *testing.T, cfg Config) (s *Server, l *memListener, stop func()) {
	t.Helper()
	l = newMemListener()
	s, err := NewServer(cfg)
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	return s, l, func() {
		require.NoError(t, s.Shutdown(t.Context()))
		assert.ErrorIs(t, <-served, ErrServerClosed)
	}
}

// readAllAsync reads c until the server closes it (or c is closed) and
// delivers everything it read.
func readAllAsync(c net.Conn) <-chan []byte {
	out := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(c)
		out <- b
	}()
	return out
}
