//go:build coach

// Wrong: keeps a worker per connection but starts four times as many
// workers: fewer clients starve, and more than Workers handlers run at once.
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
	conns := make(chan net.Conn, 64)
	var wg sync.WaitGroup
	for range 4 * s.Workers {
		wg.Go(func() {
			// A worker belongs to one connection at a time, from its
			// first request to its close.
			for c := range conns {
				s.serveConn(c)
			}
		})
	}
	defer wg.Wait()
	defer close(conns)
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		conns <- c
	}
}

// serveConn answers one connection's requests in order until the client
// hangs up.
func (s *Server) serveConn(c net.Conn) {
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
