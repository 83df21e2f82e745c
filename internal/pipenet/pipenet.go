// Package pipenet is a net.Listener whose connections are net.Pipe pairs:
// no sockets and no kernel, so inside a testing/synctest bubble every
// deadline and every wait runs on the bubble's fake clock, and a server
// that never answers fails a test at once instead of hanging it.
//
// The chapter 07 exercises test their servers with it:
//
//	ln := pipenet.Listen()
//	go srv.Serve(ln)
//	c, err := ln.DialClient() // one line-based client, a one-minute deadline
//	answer, err := c.RoundTrip("hello")
package pipenet

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// A Listener hands out the server ends of net.Pipe pairs. Make one with
// Listen.
type Listener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// Listen returns a Listener with no connection waiting yet.
func Listen() *Listener {
	return &Listener{conns: make(chan net.Conn), done: make(chan struct{})}
}

// Accept waits for Dial, or returns net.ErrClosed once the listener is
// closed.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close makes Accept return net.ErrClosed. Connections already handed out
// stay open. It may be called more than once.
func (l *Listener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr names the pipe.
func (l *Listener) Addr() net.Addr { return pipeAddr{} }

// DialWithin is how long Dial waits for the server to accept (fake time, in
// a bubble), and the deadline DialClient sets on the client's end.
const DialWithin = time.Minute

// Dial hands the server one end of a new pipe and returns the other. It
// fails if the server does not accept within DialWithin, or the listener is
// closed.
func (l *Listener) Dial() (net.Conn, error) {
	c, s := net.Pipe()
	select {
	case l.conns <- s:
		return c, nil
	case <-l.done:
		c.Close()
		s.Close()
		return nil, net.ErrClosed
	case <-time.After(DialWithin):
		c.Close()
		s.Close()
		return nil, errors.New("the server did not accept the connection within a minute")
	}
}

// DialClient is Dial, with the client's end wrapped in a Client whose every
// read and write must be done within DialWithin.
func (l *Listener) DialClient() (*Client, error) {
	c, err := l.Dial()
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(DialWithin))
	return &Client{Conn: c, R: bufio.NewReader(c)}, nil
}

// A Client speaks a line protocol: one request line, one answer line.
type Client struct {
	net.Conn
	R *bufio.Reader // reads from Conn; use it, not Conn, to read
}

// RoundTrip sends one request line and reads one answer line, without its
// newline.
func (c *Client) RoundTrip(req string) (string, error) {
	if _, err := fmt.Fprintf(c, "%s\n", req); err != nil {
		return "", fmt.Errorf("sending %q: %w", req, err)
	}
	line, err := c.R.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("reading the answer to %q: %w", req, err)
	}
	return strings.TrimSuffix(line, "\n"), nil
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
