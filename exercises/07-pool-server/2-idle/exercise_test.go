//go:build coach

package idle

// Rejects:
//   - oncedeadline: one deadline for the whole connection
//   - perread: a fresh deadline for every Read, so dribbling keeps it open
//   - setdeadline: the deadline also bounds the write of the answer

import (
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/pipenet"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// One client per case, with IdleTimeout = 1s: it sends its requests at the
// given times, then goes quiet (or dribbles), and the test notes when the
// server closes the connection. The request "slow" takes the handler 2s.
//
// It runs in a synctest bubble over net.Pipe: the clock is fake, so the
// times are exact, and a server that never closes fails the test when the
// client's one-minute deadline passes, at once, instead of hanging it.
func TestIdleConnectionsAreClosed(t *testing.T) {
	const idle = time.Second
	tests := []struct {
		name     string
		requests []time.Duration // when the client sends a request, from connecting
		slow     bool            // the first request takes the handler 2s
		dribble  bool            // after its requests, the client sends a byte every 300ms and never a newline
		closedAt time.Duration   // when the server should close the connection
	}{
		{name: "silent from the start", closedAt: idle},
		{name: "silent after one request", requests: []time.Duration{0}, closedAt: idle},
		{name: "silent after a late request", requests: []time.Duration{900 * time.Millisecond}, closedAt: 1900 * time.Millisecond},
		{name: "a request every 600ms, then silent",
			requests: []time.Duration{0, 600 * time.Millisecond, 1200 * time.Millisecond, 1800 * time.Millisecond},
			closedAt: 2800 * time.Millisecond},
		{name: "a slow handler is not idle time", requests: []time.Duration{0}, slow: true, closedAt: 3 * time.Second},
		{name: "dribbling a byte every 300ms", dribble: true, closedAt: idle},
		{name: "dribbling after a request", requests: []time.Duration{500 * time.Millisecond}, dribble: true, closedAt: 1500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := &Server{Workers: 2, IdleTimeout: idle, Handler: func(req string) string {
					if req == "slow" {
						time.Sleep(2 * time.Second) // fake time: work, not a wait for a goroutine
					}
					return "hello " + req
				}}
				ln := pipenet.Listen()
				served := make(chan error, 1)
				go func() { served <- srv.Serve(ln) }()
				start := time.Now()
				c, err := ln.DialClient()
				require.NoError(t, err)
				var dribbler sync.WaitGroup
				defer func() {
					c.Close()
					dribbler.Wait()
					ln.Close()
					assert.ErrorIs(t, <-served, net.ErrClosed, "Serve returns Accept's error once its connections have ended")
				}()

				for i, at := range tt.requests {
					time.Sleep(at - time.Since(start))
					req := fmt.Sprint("request", i)
					if tt.slow && i == 0 {
						req = "slow"
					}
					got, err := c.RoundTrip(req)
					require.NoError(t, err, "%s at %v: a client that keeps asking stays connected", req, at)
					require.Equal(t, "hello "+req, got)
				}
				if tt.dribble {
					dribbler.Go(func() {
						for {
							if _, err := c.Write([]byte("x")); err != nil {
								return // the server hung up (or the test did)
							}
							time.Sleep(300 * time.Millisecond)
						}
					})
				}

				// The server owes no more answers: the next thing the client
				// reads should be the end of the stream, at closedAt.
				_, err = c.R.ReadByte()
				assert.ErrorIs(t, err, io.EOF,
					"the server must close the connection IdleTimeout after it began waiting for a request")
				assert.Equal(t, tt.closedAt, time.Since(start), "when the server closed the connection")
			})
		})
	}
}
