package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Mode says who serves a connection.
type Mode string

const (
	// ModePool is the seed's Java design: the accept loop hands each
	// connection to a fixed pool of workers through a bounded queue, and a
	// worker serves that connection until it closes. With keep-alive, a
	// worker is held by a client even while the client says nothing.
	ModePool Mode = "pool"
	// ModeRequest gives every connection its own goroutine to read and write,
	// and bounds the handlers: at most Workers run at once, at most Queue
	// wait. The pool bounds the work, not the number of clients. By default
	// the connection's own goroutine runs the handler while it holds one of
	// Workers permits; with Config.Handoff a worker goroutine runs it.
	ModeRequest Mode = "request"
	// ModeGoroutine is one goroutine per connection and no pool at all, which
	// is what net/http does.
	ModeGoroutine Mode = "goroutine"
)

// Modes lists the modes in the order the lesson meets them.
var Modes = []Mode{ModePool, ModeRequest, ModeGoroutine}

// Defaults for the Config fields left zero. Every limit the server has is a
// named field with one of these defaults: nothing is unbounded by accident.
const (
	DefaultWorkers           = 8
	DefaultQueue             = 64
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultIdleTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 10 * time.Second
	DefaultMaxHeaderBytes    = 16 << 10
	DefaultRetryAfter        = 1 // seconds, in the Retry-After of a 503
)

// maxBodyDrain is how much of a request body the server reads and throws
// away to keep a connection alive; a larger body closes the connection.
const maxBodyDrain = 1 << 20

// Config is a server's settings. The zero value of each field means its
// default, so Config{} is a working pool-mode server.
type Config struct {
	// Mode is pool, request or goroutine. Default pool.
	Mode Mode
	// Workers is the pool's size: worker goroutines, or permits in mode
	// request (ignored in goroutine mode). Default 8.
	Workers int
	// Queue is how many may wait for a worker (or a permit): connections in
	// mode pool, requests in mode request. Default 64. The queue is never
	// unbounded.
	Queue int
	// Handoff (mode request only) hands each request's handler to a worker
	// goroutine of the pool, the Java shape, instead of running it on the
	// connection's goroutine under a permit. Same bounds, two more
	// goroutine switches per request; the lesson measures what they cost.
	Handoff bool
	// Block makes a full queue wait for room instead of answering 503 at
	// once. In mode pool that means the accept loop stops accepting and new
	// clients wait in the kernel's backlog, seeing nothing.
	Block bool
	// ReadHeaderTimeout is how long a client has to send a request's header,
	// counted from when its connection starts being served (the first
	// request) or from the request's first byte (later ones). A client that
	// is slower (slowloris) gets 408 and is closed. Default 5s.
	ReadHeaderTimeout time.Duration
	// IdleTimeout is how long a kept-alive connection may wait for its next
	// request. In mode pool the waiting connection holds a worker all that
	// time. Default 30s.
	IdleTimeout time.Duration
	// WriteTimeout bounds the time from the end of the request header to the
	// end of writing the response, handler included. Default 10s.
	WriteTimeout time.Duration
	// MaxHeaderBytes is the largest request header accepted; larger gets
	// 431. Default 16 KiB.
	MaxHeaderBytes int
	// RetryAfter is the seconds a 503 tells the client to wait. Default 1.
	RetryAfter int
	// Handler serves the requests. Default: the lesson's endpoints, with
	// /stats reporting this server.
	Handler http.Handler
	// Logf, if not nil, receives one line per handler panic or accept error.
	Logf func(format string, args ...any)
}

func (c Config) withDefaults() Config {
	if c.Mode == "" {
		c.Mode = ModePool
	}
	if c.Workers == 0 {
		c.Workers = DefaultWorkers
	}
	if c.Queue == 0 {
		c.Queue = DefaultQueue
	}
	if c.ReadHeaderTimeout == 0 {
		c.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.MaxHeaderBytes == 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if c.RetryAfter == 0 {
		c.RetryAfter = DefaultRetryAfter
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	return c
}

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
	requests int  // requests read so far
	idle     bool // waiting for the next request to begin
	kept     bool // idle after at least one request (kept alive)
	killed   bool // closed by Shutdown while idle
	done     chan struct{}
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
		switch {
		case s.cfg.Mode != ModePool:
			// request and goroutine: every connection gets its own
			// goroutine; the pool (request mode) only sees the work.
			go s.serveConn(c)
		case s.cfg.Block:
			s.pool.submit(func() { s.serveConn(c) })
		case !s.pool.trySubmit(func() { s.serveConn(c) }):
			go s.refuse(c)
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
	c := &conn{nc: nc, done: make(chan struct{}, 1)}
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

// refuse answers a connection that found the queue full (mode pool): read
// its request if it sends one promptly, answer 503 with Retry-After, close.
// Reading first matters: closing a socket with unread data makes the kernel
// send a reset, and the client would see "connection reset" instead of 503.
func (s *Server) refuse(c *conn) {
	defer s.untrack(c)
	deadline := time.Now().Add(min(time.Second, s.cfg.ReadHeaderTimeout))
	c.nc.SetDeadline(deadline)
	br := bufio.NewReader(io.LimitReader(c.nc, int64(s.cfg.MaxHeaderBytes)))
	if _, err := http.ReadRequest(br); err != nil {
		return
	}
	s.rejected.Add(1)
	writeError(bufio.NewWriter(c.nc), http.StatusServiceUnavailable, "server busy, queue full",
		http.Header{"Retry-After": {fmt.Sprint(s.cfg.RetryAfter)}}, true)
	s.lingerClose(c.nc)
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

// serveConn reads requests from one connection and answers them in order,
// until the client closes, a timeout fires, a request is bad, or the server
// shuts down.
func (s *Server) serveConn(c *conn) {
	defer s.untrack(c)
	lr := &limitReader{r: c.nc}
	br := bufio.NewReader(lr)
	bw := bufio.NewWriter(c.nc)
	resp := newBufferedResponse()
	// The budget counts bytes pulled from the socket while one header is
	// read, so it trips only when the header itself is larger.
	headerBudget := int64(s.cfg.MaxHeaderBytes)
	for {
		// Wait for the request to begin. The first request's clock started
		// when we began serving the connection; later ones get IdleTimeout.
		var headerDeadline time.Time
		if c.requests == 0 {
			headerDeadline = time.Now().Add(s.cfg.ReadHeaderTimeout)
			c.nc.SetReadDeadline(headerDeadline)
		} else {
			c.nc.SetReadDeadline(time.Now().Add(s.cfg.IdleTimeout))
		}
		if !s.setIdle(c) {
			return
		}
		lr.reset(headerBudget)
		_, err := br.Peek(1)
		if !s.setActive(c) || err != nil {
			return // closed while idle, or the client left: nothing to say
		}
		if c.requests > 0 {
			headerDeadline = time.Now().Add(s.cfg.ReadHeaderTimeout)
			c.nc.SetReadDeadline(headerDeadline)
		}

		req, err := http.ReadRequest(br)
		if err != nil {
			if s.badRequest(bw, lr, err, !time.Now().Before(headerDeadline)) {
				s.lingerClose(c.nc)
			}
			return
		}
		c.requests++
		lr.reset(maxBodyDrain + headerBudget)
		c.nc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))

		s.handle(c, resp, req.WithContext(s.baseCtx))

		closing := req.Close || s.isShutting()
		keepAlive10 := req.ProtoMajor == 1 && req.ProtoMinor == 0 && !req.Close
		err = writeResponse(bw, resp.status, resp.header, resp.body.Bytes(), req.Method == http.MethodHead, closing, keepAlive10)
		resp.reset()
		if err != nil {
			return
		}
		s.served.Add(1)
		if closing {
			return
		}
		// Throw away any body the handler did not read, so the next request
		// starts at the right byte; a body too large to skip ends the
		// connection instead.
		if n, _ := io.CopyN(io.Discard, req.Body, maxBodyDrain+1); n > maxBodyDrain {
			return
		}
		req.Body.Close()
	}
}

// badRequest answers a request that could not be read, then the caller
// closes the connection. It reports whether the close should linger (see
// lingerClose). late says the header's deadline has passed: the parser may
// then report the cut-off line it was given as malformed, but the truth is
// that the client was too slow.
func (s *Server) badRequest(bw *bufio.Writer, lr *limitReader, err error, late bool) bool {
	var ne net.Error
	switch {
	case lr.hit:
		writeError(bw, http.StatusRequestHeaderFieldsTooLarge,
			fmt.Sprintf("request header larger than %d bytes", s.cfg.MaxHeaderBytes), nil, true)
	case late || errors.As(err, &ne) && ne.Timeout():
		// Slowloris, or a client that stalled: it had ReadHeaderTimeout.
		// No lingering for a client this slow.
		writeError(bw, http.StatusRequestTimeout, "request header not received in time", nil, true)
		return false
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed), errors.Is(err, syscall.ECONNRESET):
		// The client went away mid-request; nobody is listening.
		return false
	default:
		writeError(bw, http.StatusBadRequest, oneLine(err.Error()), nil, true)
	}
	return true
}

// lingerClose is how to close after an error answer while the client may
// still be sending (the rest of a huge header, say). Closing a socket with
// unread input makes the kernel send a reset, and a reset can destroy the
// answer before the client reads it. So: half-close (the client sees our
// answer, then end of stream), and read and drop what still comes for a
// short, bounded while.
func (s *Server) lingerClose(nc net.Conn) {
	if cw, ok := nc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	nc.SetReadDeadline(time.Now().Add(min(500*time.Millisecond, s.cfg.ReadHeaderTimeout)))
	io.Copy(io.Discard, io.LimitReader(nc, 256<<10))
}

// oneLine keeps an error's text to one short line: parse errors quote what
// the client sent, which may be long or contain control bytes.
func oneLine(s string) string {
	b := []rune{}
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			r = '?'
		}
		b = append(b, r)
		if len(b) >= 120 {
			b = append(b, '…')
			break
		}
	}
	return string(b)
}

// handle runs the handler for one request. Modes pool and goroutine run it
// here. Mode request bounds it: under a permit on this goroutine, or (with
// Handoff) on a worker of the pool; either way a full queue means an
// immediate 503.
func (s *Server) handle(c *conn, w *bufferedResponse, req *http.Request) {
	switch {
	case s.permits != nil:
		select {
		case s.permits <- struct{}{}: // a permit was free
		default:
			// All Workers permits are taken: wait in line, if the line
			// is not full. waiting is the queue; its bound is Queue.
			if n := s.waiting.Add(1); n > int64(s.cfg.Queue) && !s.cfg.Block {
				s.waiting.Add(-1)
				s.busy(w)
				return
			}
			s.permits <- struct{}{}
			s.waiting.Add(-1)
		}
		s.runHandler(w, req)
		<-s.permits
	case s.pool != nil && s.cfg.Mode == ModeRequest:
		job := func() {
			s.runHandler(w, req)
			c.done <- struct{}{}
		}
		if s.cfg.Block {
			s.pool.submit(job)
		} else if !s.pool.trySubmit(job) {
			s.busy(w)
			return
		}
		<-c.done
	default:
		s.inflight.Add(1)
		s.runHandler(w, req)
		s.inflight.Add(-1)
	}
}

// busy answers 503 with Retry-After; the connection stays open.
func (s *Server) busy(w *bufferedResponse) {
	s.rejected.Add(1)
	w.header.Set("Retry-After", fmt.Sprint(s.cfg.RetryAfter))
	w.header.Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	fmt.Fprintln(w, "server busy, queue full")
}

// runHandler calls the handler and turns a panic into a 500 for this request
// only. The response is still in memory, so whatever the handler wrote before
// panicking is thrown away and the client gets a clean error.
func (s *Server) runHandler(w *bufferedResponse, req *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			s.cfg.Logf("panic serving %s %s: %v", req.Method, req.URL, p)
			w.reset()
			w.header.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintln(w, "the handler panicked")
		}
	}()
	s.handler.ServeHTTP(w, req)
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
