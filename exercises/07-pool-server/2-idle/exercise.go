//go:build coach

// Exercise 07.2: close the idle connections.
//
// This is 07.1's server, solved: a goroutine per connection, and Workers
// permits around the handlers. A client that stays connected and says
// nothing no longer holds a worker, but it still holds a goroutine and a
// socket, for ever. A thousand clients that went away without hanging up
// (a laptop closed, a phone out of range) are a thousand of each, and so is
// a client that sends its request one byte at a time and never finishes it
// (slowloris).
//
// TODO: close a connection whose next request has not arrived in full
// IdleTimeout after the server began waiting for it: after the connection
// was accepted, or after the previous answer was written. A client that
// keeps asking stays connected, however long it stays.
package idle

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// A Server answers line requests on kept-alive connections.
type Server struct {
	// Workers is how many handlers may run at once; it must be ≥ 1.
	Workers int
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
// hangs up.
func (s *Server) serveConn(c net.Conn, permits chan struct{}) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		// TODO: wait at most IdleTimeout for the whole next request.
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		permits <- struct{}{}
		resp := s.Handler(strings.TrimSuffix(line, "\n"))
		<-permits
		if _, err := io.WriteString(c, resp+"\n"); err != nil {
			return
		}
	}
}
