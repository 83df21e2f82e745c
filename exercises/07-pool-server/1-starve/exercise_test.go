//go:build coach

package starve

// Rejects:
//   - moreworkers: more workers than Workers, still one per connection
//   - nolimit: a goroutine per connection and no bound on the handlers
//   - permitperconn: a permit held for the whole connection

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/pipenet"
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
				ln := pipenet.Listen()
				served := make(chan error, 1)
				go func() { served <- srv.Serve(ln) }()

				clients := make([]*pipenet.Client, tt.clients)
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
					c, err := ln.DialClient()
					require.NoError(t, err)
					clients[i] = c
				}

				answers := make([]string, tt.clients)
				errs := make([]error, tt.clients)
				askAll := func() {
					var wg sync.WaitGroup
					for i, c := range clients {
						wg.Go(func() { answers[i], errs[i] = c.RoundTrip(fmt.Sprint("client", i)) })
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
