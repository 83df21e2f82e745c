package main

import (
	"cmp"
	"net/http"
	"time"
)

// Mode says who serves a connection.
type Mode string

const (
	// ModePool is the tutorial's Java design: the accept loop hands each
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

// maxBodyDrain is how much of a request body the handler left unread the
// server reads and throws away to keep a connection alive; a larger body
// closes the connection (after a linger, see lingerClose). 256 KiB, as
// net/http's maxPostHandlerReadBytes.
const maxBodyDrain = 256 << 10

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
	// ReadHeaderTimeout is how long a client has to send a request's header
	// and body, counted from when its connection was accepted (the first
	// request) or from the request's first byte (later ones). A client
	// slower with its header (slowloris) gets 408 and is closed; one slower
	// with its body gets its answer with Connection: close. In mode pool it
	// also bounds the wait in the queue: a connection no worker has taken
	// that long after accept gets 503 and is closed. Default 5s.
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
	// Wrap, if not nil, wraps Handler (or the default endpoints) once, for
	// every mode alike: serve's -flight times each request there.
	Wrap func(http.Handler) http.Handler
	// Logf, if not nil, receives one line per handler panic or accept error.
	Logf func(format string, args ...any)
}

func (c Config) withDefaults() Config {
	c.Mode = cmp.Or(c.Mode, ModePool)
	c.Workers = cmp.Or(c.Workers, DefaultWorkers)
	c.Queue = cmp.Or(c.Queue, DefaultQueue)
	c.ReadHeaderTimeout = cmp.Or(c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	c.IdleTimeout = cmp.Or(c.IdleTimeout, DefaultIdleTimeout)
	c.WriteTimeout = cmp.Or(c.WriteTimeout, DefaultWriteTimeout)
	c.MaxHeaderBytes = cmp.Or(c.MaxHeaderBytes, DefaultMaxHeaderBytes)
	c.RetryAfter = cmp.Or(c.RetryAfter, DefaultRetryAfter)
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	return c
}
