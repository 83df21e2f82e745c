package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// This file is the server's skeleton, the same in every mode: the accept
// loop, the table of open connections, and graceful shutdown. How a
// connection is read and answered is in http1.go; what the modes do
// differently is in mode_pool.go and mode_request.go; Config and its
// defaults are in config.go.

// ErrServerClosed is what Serve returns after Shutdown.
var ErrServerClosed = errors.New("server closed")

// A Server serves HTTP/1.1 on raw connections in one of three modes. Make one
// with NewServer, run it with Serve, stop it with Shutdown. Its methods are
// safe to call from any goroutine.
type Server struct {
	cfg     Config
	handler http.Handler
	pool    *pool         // mode pool, and mode request with Handoff
	permits chan struct{} // mode request: one slot per running handler
	waiting atomic.Int64  // mode request: handlers waiting for a permit
	start   time.Time

	served   atomic.Int64 // responses written
	rejected atomic.Int64 // 503s for a full queue
	open     atomic.Int64 // connections accepted and not yet closed
	inflight atomic.Int64 // handlers running (goroutine mode's "busy")

	baseCtx context.Context // handlers' context; cancelled by a forced shutdown
	cancel  context.CancelFunc

	mu         sync.Mutex
	ln         net.Listener
	conns      map[*conn]struct{}
	shutting   bool
	shutdownCh chan struct{} // closed when Shutdown starts
	acceptDone chan struct{} // closed when Serve's accept loop ends
	connWG     sync.WaitGroup
	stopPool   sync.Once
}

// conn is one client connection and where it is in its life.
type conn struct {
	nc       net.Conn
	accepted time.Time // the first request's header clock starts here
	requests int       // requests read so far
	idle     bool      // waiting for the next request to begin
	kept     bool      // idle after at least one request (kept alive)
	killed   bool      // closed by Shutdown while idle
	done     chan struct{}
	queue    queueState // mode pool: waiting for a worker, taken, or refused
}

// NewServer makes a server from cfg; its pool (if the mode has one) starts
// now and stops in Shutdown.
func NewServer(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	switch cfg.Mode {
	case ModePool, ModeRequest, ModeGoroutine:
	default:
		return nil, fmt.Errorf("mode must be pool, request or goroutine, got %q", cfg.Mode)
	}
	if cfg.Workers < 1 || cfg.Queue < 1 {
		return nil, fmt.Errorf("workers and queue must be ≥ 1, got %d and %d", cfg.Workers, cfg.Queue)
	}
	s := &Server{
		cfg:        cfg,
		handler:    cfg.Handler,
		start:      time.Now(),
		conns:      make(map[*conn]struct{}),
		shutdownCh: make(chan struct{}),
	}
	s.baseCtx, s.cancel = context.WithCancel(context.Background())
	if s.handler == nil {
		s.handler = newHandler(s.Stats)
	}
	if cfg.Wrap != nil {
		s.handler = cfg.Wrap(s.handler)
	}
	switch {
	case cfg.Mode == ModePool, cfg.Mode == ModeRequest && cfg.Handoff:
		s.pool = newPool(cfg.Workers, cfg.Queue)
	case cfg.Mode == ModeRequest:
		s.permits = make(chan struct{}, cfg.Workers)
	}
	return s, nil
}

// Stats is a snapshot of the server's counters.
func (s *Server) Stats() Stats {
	st := Stats{
		Mode:      string(s.cfg.Mode),
		Served:    s.served.Load(),
		Rejected:  s.rejected.Load(),
		OpenConns: s.open.Load(),
		Uptime:    time.Since(s.start).Round(time.Millisecond).String(),
	}
	switch {
	case s.pool != nil:
		st.Workers = s.pool.size
		st.Busy = s.pool.busy.Load()
		st.Queued = s.pool.queued()
	case s.permits != nil:
		st.Workers = cap(s.permits)
		st.Busy = int64(len(s.permits))
		st.Queued = int(s.waiting.Load())
	default:
		st.Busy = s.inflight.Load()
	}
	return st
}

// Serve accepts connections on ln until Shutdown, and then returns
// ErrServerClosed. Any other error means the listener failed for good.
// Temporary accept errors (out of file descriptors: EMFILE) are retried
// with a growing pause instead of spinning or giving up.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.shutting || s.ln != nil {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.ln = ln
	s.acceptDone = make(chan struct{})
	s.mu.Unlock()
	defer close(s.acceptDone)

	var pause time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.isShutting() {
				return ErrServerClosed
			}
			if !temporary(err) {
				return err
			}
			pause = nextPause(pause)
			s.cfg.Logf("accept: %v; retrying in %v", err, pause)
			t := time.NewTimer(pause)
			select {
			case <-t.C:
			case <-s.shutdownCh:
				t.Stop()
				return ErrServerClosed
			}
			continue
		}
		pause = 0
		c := s.track(nc)
		if c == nil {
			return ErrServerClosed
		}
		if s.cfg.Mode == ModePool {
			s.queueConn(c) // mode_pool.go: the connection is the pool's job
		} else {
			// request and goroutine: every connection gets its own
			// goroutine; the pool (request mode) only sees the work.
			go s.serveConn(c)
		}
	}
}

// nextPause doubles the pause after a failed Accept: 5ms, 10ms, ... 1s.
func nextPause(p time.Duration) time.Duration {
	if p == 0 {
		return 5 * time.Millisecond
	}
	return min(2*p, time.Second)
}

// temporary reports whether an Accept error may go away by itself: out of
// file descriptors or buffers, or a client that gave up during the handshake.
func temporary(err error) bool {
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED, syscall.ECONNRESET} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (s *Server) isShutting() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shutting
}

// track registers a new connection; nil means the server is shutting down
// and the connection was closed.
func (s *Server) track(nc net.Conn) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting {
		nc.Close()
		return nil
	}
	c := &conn{nc: nc, accepted: time.Now(), done: make(chan struct{}, 1)}
	s.conns[c] = struct{}{}
	s.connWG.Add(1)
	s.open.Add(1)
	return c
}

func (s *Server) untrack(c *conn) {
	c.nc.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.open.Add(-1)
	s.connWG.Done()
}

// setIdle marks c as waiting for its next request. It reports false when the
// server is shutting down and c has already been served: close it then.
func (s *Server) setIdle(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting && c.requests > 0 {
		return false
	}
	c.idle, c.kept = true, c.requests > 0
	return true
}

// setActive marks c as busy with a request; false means Shutdown closed it
// while it was idle.
func (s *Server) setActive(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.idle = false
	return !c.killed
}

// Shutdown stops the server gracefully: it stops accepting, closes the
// connections that are waiting between requests, lets every request already
// being served finish and get its whole response, and returns nil when the
// last connection has closed and the pool has stopped. If ctx ends first, it
// cancels the handlers' context, closes every connection, waits for the
// goroutines to finish and returns ctx's error. A second call waits again
// and returns the same way.
func (s *Server) Shutdown(ctx context.Context) error {
	defer s.cancel()
	s.mu.Lock()
	if !s.shutting {
		s.shutting = true
		close(s.shutdownCh)
	}
	ln, acceptDone := s.ln, s.acceptDone
	s.mu.Unlock()
	if ln != nil {
		ln.Close()
	}

	// Kept-alive connections waiting for their next request are closed now;
	// one that has not sent its first request yet still gets its
	// ReadHeaderTimeout to do so (it may be queued in mode pool with its
	// request already sent).
	s.mu.Lock()
	for c := range s.conns {
		if c.idle && c.kept {
			c.killed = true
			c.nc.SetReadDeadline(time.Unix(1, 0)) // wakes the blocked read
		}
	}
	s.mu.Unlock()

	all := make(chan struct{})
	go func() {
		s.connWG.Wait() // track adds no more once shutting is set
		if acceptDone != nil {
			<-acceptDone // the accept loop may still be submitting
		}
		if s.pool != nil {
			s.stopPool.Do(s.pool.stop)
		}
		close(all)
	}()
	select {
	case <-all:
		return nil
	case <-ctx.Done():
	}
	s.cancel()
	s.mu.Lock()
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	<-all
	return ctx.Err()
}

// ListenLocal listens on a free port of 127.0.0.1 (or on addr if given).
func ListenLocal(addr string) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}
