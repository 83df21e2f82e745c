//go:build coach

// Exercise 07.1, solved: every connection gets a goroutine of its own, which
// costs a few kilobytes and no worker, and the pool shrinks to what it was
// really for: the bound. A buffered channel of Workers permits is that
// bound; a handler runs only while its goroutine holds a permit. A client
// that stays connected between requests now holds a goroutine, not a
// permit, so it cannot keep anybody else waiting.
package starve

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
)

// A Server answers line requests on kept-alive connections.
type Server struct {
	// Workers is how many handlers may run at once; it must be ≥ 1.
	Workers int
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
// hangs up. It holds a permit only while the handler runs: not while it
// waits for the next request, nor while it writes the answer.
func (s *Server) serveConn(c net.Conn, permits chan struct{}) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		permits <- struct{}{} // waits while Workers handlers run
		resp := s.Handler(strings.TrimSuffix(line, "\n"))
		<-permits
		if _, err := io.WriteString(c, resp+"\n"); err != nil {
			return
		}
	}
}
