//go:build coach

// Wrong: a goroutine per connection, but each holds its permit from the
// first request to the close: the connection is still the pool's unit.
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
		wg.Go(func() {
			permits <- struct{}{}
			defer func() { <-permits }()
			s.serveConn(c, nil)
		})
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
		resp := s.Handler(strings.TrimSuffix(line, "\n"))
		if _, err := io.WriteString(c, resp+"\n"); err != nil {
			return
		}
	}
}
