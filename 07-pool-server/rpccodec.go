package main

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"sync"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

// net/rpc trusts its clients. Its gob codec accepts a message of up to a
// gigabyte (a 600 MiB argument is read into memory whole), it starts a
// goroutine for every call a client sends whether or not the client reads
// the replies, and it sets no deadline, so a client that sends half a
// message holds its connection for ever. limitedCodec is the same gob
// codec with three limits, one per way of abusing it:
//
//   - MaxMessage: the bytes one request (header and arguments) may take;
//     past it, the connection is closed;
//   - MaxInFlight: calls of one connection running at once; the codec
//     does not read the next request until a reply has gone out, so a client
//     that never reads its replies stops itself (TCP back-pressure);
//   - IdleTimeout: how long a connection may take to send its next request,
//     or to finish one it began.

// RPCLimits bounds what one rpc client can make the server hold.
type RPCLimits struct {
	MaxMessage  int           // bytes per request message; default 64 KiB
	MaxInFlight int           // calls per connection at once; default 16
	IdleTimeout time.Duration // to send the next request; default 30s
}

func (l RPCLimits) withDefaults() RPCLimits {
	if l.MaxMessage == 0 {
		l.MaxMessage = 64 << 10
	}
	if l.MaxInFlight == 0 {
		l.MaxInFlight = 16
	}
	if l.IdleTimeout == 0 {
		l.IdleTimeout = 30 * time.Second
	}
	return l
}

func rpcLimitFlags(f *lesson.Flags, l *RPCLimits) {
	f.Int(&l.MaxMessage, "max-message", 64<<10, 256, 1<<30, "bytes one request may take")
	f.Int(&l.MaxInFlight, "max-in-flight", 16, 1, 100_000, "calls of one connection running at once")
	f.Duration(&l.IdleTimeout, "idle-timeout", 30*time.Second, time.Millisecond, 24*time.Hour, "time a connection has to send its next request")
}

// errTooLarge is a request past MaxMessage.
var errTooLarge = errors.New("rpc request larger than the limit")

type limitedCodec struct {
	nc     net.Conn
	limits RPCLimits
	lr     *budgetReader
	dec    *gob.Decoder
	enc    *gob.Encoder
	encBuf *bufio.Writer
	slots  chan struct{} // one per call in flight
	closed chan struct{}
	once   sync.Once
	broken bool // a request was cut off: the stream can no longer be trusted
}

func newLimitedCodec(nc net.Conn, limits RPCLimits) *limitedCodec {
	limits = limits.withDefaults()
	lr := &budgetReader{r: nc}
	buf := bufio.NewWriter(nc)
	return &limitedCodec{
		nc: nc, limits: limits, lr: lr,
		dec: gob.NewDecoder(bufio.NewReader(lr)), enc: gob.NewEncoder(buf), encBuf: buf,
		slots: make(chan struct{}, limits.MaxInFlight), closed: make(chan struct{}),
	}
}

func (c *limitedCodec) ReadRequestHeader(r *rpc.Request) error {
	if c.broken {
		return errTooLarge
	}
	select { // wait for a free slot: at most MaxInFlight calls at once
	case c.slots <- struct{}{}:
	case <-c.closed:
		return net.ErrClosed
	}
	c.nc.SetReadDeadline(time.Now().Add(c.limits.IdleTimeout))
	c.lr.budget = int64(c.limits.MaxMessage)
	if err := c.dec.Decode(r); err != nil {
		<-c.slots // no call, no reply
		return c.explain(err)
	}
	return nil
}

func (c *limitedCodec) ReadRequestBody(body any) error {
	if err := c.dec.Decode(body); err != nil {
		c.broken = true // net/rpc answers this call, then our next read fails
		return c.explain(err)
	}
	return nil
}

// explain says which limit a decode error came from.
func (c *limitedCodec) explain(err error) error {
	if c.lr.budget <= 0 {
		return fmt.Errorf("%w (%d bytes)", errTooLarge, c.limits.MaxMessage)
	}
	return err
}

func (c *limitedCodec) WriteResponse(r *rpc.Response, body any) error {
	defer func() { <-c.slots }()
	c.nc.SetWriteDeadline(time.Now().Add(c.limits.IdleTimeout))
	if err := c.enc.Encode(r); err != nil {
		c.Close()
		return err
	}
	if err := c.enc.Encode(body); err != nil {
		c.Close()
		return err
	}
	return c.encBuf.Flush()
}

func (c *limitedCodec) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.nc.Close()
}

// budgetReader reads until its budget of bytes is spent, then reports EOF.
type budgetReader struct {
	r      io.Reader
	budget int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.budget <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if int64(len(p)) > b.budget {
		p = p[:b.budget]
	}
	n, err := b.r.Read(p)
	b.budget -= int64(n)
	return n, err
}
