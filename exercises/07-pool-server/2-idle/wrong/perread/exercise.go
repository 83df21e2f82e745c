//go:build coach

// Wrong: moves the deadline before every Read, not before every request, so
// a client that sends a byte now and then is never idle long enough.
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

// readTimeout gives every Read a fresh deadline.
type readTimeout struct {
	net.Conn
	d time.Duration
}

func (r readTimeout) Read(p []byte) (int, error) {
	if err := r.Conn.SetReadDeadline(time.Now().Add(r.d)); err != nil {
		return 0, err
	}
	return r.Conn.Read(p)
}

// serveConn answers one connection's requests in order until the client
// hangs up or takes longer than IdleTimeout to send the next one.
func (s *Server) serveConn(c net.Conn, permits chan struct{}) {
	defer c.Close() // a read past the deadline fails, and this closes it
	r := bufio.NewReader(readTimeout{c, s.IdleTimeout})
	for {
		// Only the wait for the request is bounded: the handler and the
		// write of its answer are not idle time.
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
