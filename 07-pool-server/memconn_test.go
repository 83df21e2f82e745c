package main

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// memConn is one end of an in-memory connection, like net.Pipe's, with one
// thing more: CloseWrite, the half-close a TCP client does when it has
// nothing more to send. Built from channels and timers only, so inside a
// synctest bubble every wait on it is a wait synctest can see, and its
// deadlines run on the bubble's clock. A Write hands its bytes over to the
// Read at the other end (there is no buffer), as net.Pipe does.
type memConn struct {
	in, out    *memHalf
	pending    []byte        // the rest of a message a Read did not fit
	closed     chan struct{} // this end closed
	peerClosed chan struct{} // the other end closed
	closeOnce  sync.Once
	rd, wd     memDeadline
}

// memHalf is one direction: messages, and end of stream.
type memHalf struct {
	data    chan []byte
	eof     chan struct{}
	eofOnce sync.Once
}

func newMemConnPair() (client, server *memConn) {
	a := &memHalf{data: make(chan []byte), eof: make(chan struct{})}
	b := &memHalf{data: make(chan []byte), eof: make(chan struct{})}
	client = &memConn{in: b, out: a, closed: make(chan struct{}), rd: newMemDeadline(), wd: newMemDeadline()}
	server = &memConn{in: a, out: b, closed: make(chan struct{}), rd: newMemDeadline(), wd: newMemDeadline()}
	client.peerClosed, server.peerClosed = server.closed, client.closed
	return client, server
}

func (c *memConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	select {
	case <-c.closed:
		return 0, net.ErrClosed
	case <-c.rd.wait():
		return 0, os.ErrDeadlineExceeded
	default:
	}
	select {
	case b := <-c.in.data:
		n := copy(p, b)
		c.pending = b[n:]
		return n, nil
	case <-c.in.eof:
		return 0, io.EOF
	case <-c.peerClosed:
		return 0, io.EOF
	case <-c.closed:
		return 0, net.ErrClosed
	case <-c.rd.wait():
		return 0, os.ErrDeadlineExceeded
	}
}

func (c *memConn) Write(p []byte) (int, error) {
	select {
	case <-c.closed:
		return 0, net.ErrClosed
	case <-c.out.eof:
		return 0, syscall.EPIPE
	case <-c.wd.wait():
		return 0, os.ErrDeadlineExceeded
	default:
	}
	if len(p) == 0 {
		return 0, nil
	}
	b := append([]byte(nil), p...)
	select {
	case c.out.data <- b:
		return len(p), nil
	case <-c.peerClosed:
		return 0, syscall.ECONNRESET
	case <-c.closed:
		return 0, net.ErrClosed
	case <-c.wd.wait():
		return 0, os.ErrDeadlineExceeded
	}
}

// CloseWrite ends this direction: the other end reads EOF once it has taken
// every byte written before.
func (c *memConn) CloseWrite() error {
	c.out.eofOnce.Do(func() { close(c.out.eof) })
	return nil
}

func (c *memConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return nil
}

func (c *memConn) LocalAddr() net.Addr  { return pipeAddr{} }
func (c *memConn) RemoteAddr() net.Addr { return pipeAddr{} }
func (c *memConn) SetDeadline(t time.Time) error {
	c.rd.set(t)
	c.wd.set(t)
	return nil
}
func (c *memConn) SetReadDeadline(t time.Time) error  { c.rd.set(t); return nil }
func (c *memConn) SetWriteDeadline(t time.Time) error { c.wd.set(t); return nil }

// memDeadline is net.Pipe's deadline: a channel closed when it passes.
type memDeadline struct {
	mu     *sync.Mutex
	timer  **time.Timer
	cancel *chan struct{}
}

func newMemDeadline() memDeadline {
	c := make(chan struct{})
	var t *time.Timer
	return memDeadline{mu: new(sync.Mutex), timer: &t, cancel: &c}
}

func (d memDeadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if *d.timer != nil && !(*d.timer).Stop() {
		<-*d.cancel // the timer fired: wait for it to close cancel
	}
	*d.timer = nil
	closed := isClosed(*d.cancel)
	if t.IsZero() {
		if closed {
			*d.cancel = make(chan struct{})
		}
		return
	}
	if dur := time.Until(t); dur > 0 {
		if closed {
			*d.cancel = make(chan struct{})
		}
		cancel := *d.cancel
		*d.timer = time.AfterFunc(dur, func() { close(cancel) })
		return
	}
	if !closed {
		close(*d.cancel)
	}
}

func (d memDeadline) wait() chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return *d.cancel
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// memListener is a net.Listener of memConns.
type memListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newMemListener() *memListener {
	return &memListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *memListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *memListener) Addr() net.Addr { return pipeAddr{} }

// Dial hands the server one end of a new connection and returns the other.
func (l *memListener) Dial() (*memConn, error) {
	client, server := newMemConnPair()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		return nil, errors.New("listener closed")
	}
}
