package main

import (
	"fmt"
	"net/http"
)

// Mode request: every connection has its own goroutine (serveConn, in
// http1.go, started by the accept loop), and the pool bounds the work, not
// the clients. This file is the one place the modes differ once a request
// has been read: handle runs the handler for it.
//
//   - Mode request (the default shape): the connection's own goroutine runs
//     the handler while it holds one of Workers permits, slots of a buffered
//     channel. At most Queue requests wait for a permit; one more gets 503
//     at once, and the connection stays open.
//   - Mode request with Handoff (the Java shape): the handler is a job on
//     the pool's queue, a worker goroutine runs it, and the connection's
//     goroutine waits for it. Same bounds, two more goroutine switches.
//   - Modes pool and goroutine run the handler right here: in mode pool the
//     goroutine is already one of the pool's workers, and mode goroutine
//     bounds nothing.

// handle runs the handler for one request on w.
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
