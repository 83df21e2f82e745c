//go:build coach

// Wrong: answers Busy and then hangs up, so the client cannot try again on
// the same connection.
package queuewait

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// Busy is the answer to a request that found no permit within QueueWait.
const Busy = "BUSY"

// A Server answers line requests on kept-alive connections.
type Server struct {
	// Workers is how many handlers may run at once; it must be ≥ 1.
	Workers int
	// QueueWait is how long a request may wait for a permit before it is
	// answered Busy; it must be > 0.
	QueueWait time.Duration
	// IdleTimeout is how long a connection may take to send its next
	// request, counted from when the server starts waiting for it; it must
	// be > 0.
	IdleTimeout time.Duration
	// Handler answers one request (a line, without its newline).
	Handler func(req string) string
}

// Serve accepts connections on ln until ln is closed. Then it waits for
// every connection it started serving to end, and returns Accept's error.
func (s *Server) Serve(ln net.Listener) error {
	permits := make(chan struct{}, s.Workers)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		wg.Go(func() { s.serveConn(c, permits) })
	}
}

// serveConn answers one connection's requests in order until the client
// hangs up or takes longer than IdleTimeout to send the next one.
func (s *Server) serveConn(c net.Conn, permits chan struct{}) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		if err := c.SetReadDeadline(time.Now().Add(s.IdleTimeout)); err != nil {
			return
		}
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		resp := Busy
		got := s.acquire(permits)
		if got {
			resp = s.Handler(strings.TrimSuffix(line, "\n"))
			<-permits
		}
		if _, err := io.WriteString(c, resp+"\n"); err != nil || !got {
			return
		}
	}
}

// acquire takes a permit, waiting at most QueueWait, and reports whether it
// got one.
func (s *Server) acquire(permits chan struct{}) bool {
	t := time.NewTimer(s.QueueWait)
	defer t.Stop() // a timer that did not fire is no longer needed
	select {
	case permits <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}
