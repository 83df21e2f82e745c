package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// Mode pool: the tutorial's design. The accept loop hands each connection
// to the pool as a job; a worker serves that connection (serveConn, in
// http1.go) until it closes. A worker therefore belongs to a client for as
// long as the client keeps the connection, idle or not.
//
// What mode pool promises, and no more: every accepted connection gets an
// answer or is closed within ReadHeaderTimeout of being accepted, unless a
// worker has begun serving it by then. A connection that finds the queue
// full gets 503 at once; one still in the queue when its header deadline
// comes gets 503 then (a timer refuses it), and the worker that later
// reaches it skips it. So slow or idle clients holding every worker make
// the others wait ReadHeaderTimeout at most, and then refuse them: the
// design cannot serve them, but it does not keep them hanging.

// queueState is where a connection is with respect to the pool.
type queueState struct {
	v     atomic.Int32
	timer *time.Timer
}

const (
	queued  int32 = iota // waiting for a worker
	taken                // a worker is serving it
	refused              // its time in the queue ran out, or the queue was full
)

// queueConn submits c to the pool, or refuses it when the queue is full.
func (s *Server) queueConn(c *conn) {
	job := func() {
		if !c.queue.v.CompareAndSwap(queued, taken) {
			return // refused while it waited; refuse closes it
		}
		c.queue.timer.Stop()
		s.serveConn(c)
	}
	// The header clock started at accept. If no worker has taken the
	// connection by its header deadline, refuse it then.
	c.queue.timer = time.AfterFunc(time.Until(c.accepted.Add(s.cfg.ReadHeaderTimeout)), func() {
		if c.queue.v.CompareAndSwap(queued, refused) {
			s.refuse(c, "server busy, no worker free in time")
		}
	})
	if s.cfg.Block {
		s.pool.submit(job) // back-pressure: the accept loop waits for room
		return
	}
	if !s.pool.trySubmit(job) && c.queue.v.CompareAndSwap(queued, refused) {
		c.queue.timer.Stop()
		go s.refuse(c, "server busy, queue full")
	}
}

// refuse answers a connection the pool will not serve: read its request if
// it sends one promptly, answer 503 with Retry-After, close. Reading first
// matters: closing a socket with unread data makes the kernel send a reset,
// and the client would see "connection reset" instead of 503.
func (s *Server) refuse(c *conn, reason string) {
	defer s.untrack(c)
	c.nc.SetDeadline(time.Now().Add(min(time.Second, s.cfg.ReadHeaderTimeout)))
	br := bufio.NewReader(io.LimitReader(c.nc, int64(s.cfg.MaxHeaderBytes)))
	if _, err := http.ReadRequest(br); err != nil {
		return
	}
	s.rejected.Add(1)
	writeError(bufio.NewWriter(c.nc), http.StatusServiceUnavailable, reason,
		http.Header{"Retry-After": {fmt.Sprint(s.cfg.RetryAfter)}}, true)
	s.lingerClose(c.nc)
}
