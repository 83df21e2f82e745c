//go:build coach

package starve

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Clients that stay connected between their requests, as HTTP/1.1 clients
// do. Every handler blocks until the test opens the gate, so the test can
// count how many run at once; then every client must get its answer, twice,
// on the same connection.
//
// It runs in a synctest bubble over net.Pipe: the clock is fake, so each
// client's one-minute deadline passes at once when nothing else can happen,
// and a starved client fails the test instead of hanging it.
func TestKeepAliveDoesNotStarve(t *testing.T) {
	tests := []struct{ workers, clients int }{
		{workers: 1, clients: 2},
		{workers: 2, clients: 5},
		{workers: 4, clients: 4},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d workers, %d clients", tt.workers, tt.clients), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var running, peak atomic.Int32
				gate := make(chan struct{})
				srv := &Server{Workers: tt.workers, Handler: func(req string) string {
					n := running.Add(1)
					for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
					}
					<-gate
					running.Add(-1)
					return "hello " + req
				}}
				ln := newPipeListener()
				served := make(chan error, 1)
				go func() { served <- srv.Serve(ln) }()

				clients := make([]*client, tt.clients)
				defer func() {
					for _, c := range clients {
						if c != nil {
							c.Close()
						}
					}
					ln.Close()
					assert.ErrorIs(t, <-served, net.ErrClosed, "Serve returns Accept's error once its connections have ended")
				}()
				for i := range clients {
					c, err := ln.Dial()
					require.NoError(t, err)
					clients[i] = c
				}

				answers := make([]string, tt.clients)
				errs := make([]error, tt.clients)
				askAll := func() {
					var wg sync.WaitGroup
					for i, c := range clients {
						wg.Go(func() { answers[i], errs[i] = c.roundTrip(fmt.Sprint("client", i)) })
					}
					wg.Wait()
				}
				check := func(round string) bool {
					ok := true
					for i := range clients {
						if !assert.NoError(t, errs[i], "%s: client %d got no answer while the other clients stayed connected", round, i) ||
							!assert.Equal(t, fmt.Sprint("hello client", i), answers[i], "%s: client %d's answer", round, i) {
							ok = false
						}
					}
					return ok
				}

				// Round 1: every client asks at once; the handlers block.
				done := make(chan struct{})
				go func() { askAll(); close(done) }()
				synctest.Wait() // every goroutine in the bubble is blocked now
				assert.Equal(t, int32(min(tt.workers, tt.clients)), running.Load(),
					"while requests wait, exactly Workers handlers should be running")
				close(gate)
				<-done
				if !check("first request") {
					return
				}

				// Round 2: the same connections, kept alive, ask again.
				askAll()
				check("second request on the same connection")
				assert.LessOrEqual(t, peak.Load(), int32(tt.workers), "at most Workers handlers may run at once")
			})
		})
	}
}

// A client is one end of a net.Pipe, with every wait bounded by a deadline
// on the bubble's fake clock.
type client struct {
	net.Conn
	r *bufio.Reader
}

// roundTrip sends one request line and reads one answer line.
func (c *client) roundTrip(req string) (string, error) {
	if _, err := fmt.Fprintf(c, "%s\n", req); err != nil {
		return "", fmt.Errorf("sending %q: %w", req, err)
	}
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("reading the answer to %q: %w", req, err)
	}
	return strings.TrimSuffix(line, "\n"), nil
}

// pipeListener is a net.Listener whose connections are net.Pipe pairs: no
// sockets, so inside a synctest bubble every deadline runs on the fake clock.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

// Dial hands the server one end of a new pipe and returns the other, with a
// one-minute deadline for everything the test does with it.
func (l *pipeListener) Dial() (*client, error) {
	c, s := net.Pipe()
	select {
	case l.conns <- s:
	case <-time.After(time.Minute):
		c.Close()
		s.Close()
		return nil, errors.New("the server did not accept the connection within a minute")
	}
	c.SetDeadline(time.Now().Add(time.Minute))
	return &client{Conn: c, r: bufio.NewReader(c)}, nil
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
