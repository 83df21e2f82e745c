//go:build coach

package queuewait

// Rejects:
//   - busythenclose: answers Busy, then closes the connection
//   - runanyway: runs the handler without a permit when the wait runs out
//   - selectdefault: refuses at once instead of waiting QueueWait

import (
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

// With QueueWait = 100ms: first some clients send "slow", which holds a
// permit for a while; then one more client asks, and the test notes what it
// is told, and when. A client told Busy asks again once the slow ones are
// done, on the same connection, and is answered.
//
// It runs in a synctest bubble over net.Pipe: the clock is fake, so the
// times are exact, and a server that makes the client wait for ever fails
// the test when the client's one-minute deadline passes, at once, instead of
// hanging it.
func TestQueueWait(t *testing.T) {
	const wait = 100 * time.Millisecond
	tests := []struct {
		name    string
		workers int
		slow    int           // clients holding a permit when the last one asks
		hold    time.Duration // how long each slow request holds its permit
		want    string        // what the last client is told
		wantAt  time.Duration // and when, from its request
	}{
		{name: "a permit is free", workers: 1, want: "hello last", wantAt: 0},
		{name: "one of two permits is free", workers: 2, slow: 1, hold: time.Second, want: "hello last", wantAt: 0},
		{name: "the permit frees up in time", workers: 1, slow: 1, hold: 60 * time.Millisecond, want: "hello last", wantAt: 60 * time.Millisecond},
		{name: "the permit frees up too late", workers: 1, slow: 1, hold: time.Second, want: Busy, wantAt: wait},
		{name: "both permits busy for long", workers: 2, slow: 2, hold: 5 * time.Second, want: Busy, wantAt: wait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := &Server{Workers: tt.workers, QueueWait: wait, IdleTimeout: time.Hour, Handler: func(req string) string {
					if req == "slow" {
						time.Sleep(tt.hold) // fake time: work, not a wait for a goroutine
					}
					return "hello " + req
				}}
				ln := pipenet.Listen()
				served := make(chan error, 1)
				go func() { served <- srv.Serve(ln) }()

				clients := make([]*pipenet.Client, tt.slow+1)
				var slowDone sync.WaitGroup
				defer func() {
					for _, c := range clients {
						if c != nil {
							c.Close()
						}
					}
					slowDone.Wait()
					ln.Close()
					assert.ErrorIs(t, <-served, net.ErrClosed, "Serve returns Accept's error once its connections have ended")
				}()
				for i := range clients {
					c, err := ln.DialClient()
					require.NoError(t, err)
					clients[i] = c
				}

				for _, c := range clients[:tt.slow] {
					slowDone.Go(func() {
						got, err := c.RoundTrip("slow")
						assert.NoError(t, err, "a slow request is answered")
						assert.Equal(t, "hello slow", got, "a slow request is answered")
					})
				}
				synctest.Wait() // the slow handlers hold their permits now
				last := clients[tt.slow]
				start := time.Now()
				got, err := last.RoundTrip("last")
				require.NoError(t, err, "the last client must be answered, with Busy if need be, not kept waiting")
				took := time.Since(start)
				if tt.want == Busy {
					assert.Equal(t, Busy, got, "a request that finds no permit within QueueWait must be answered Busy")
				} else {
					assert.Equal(t, tt.want, got, "a request that gets a permit within QueueWait must be served")
				}
				assert.Equal(t, tt.wantAt, took, "when the last client was answered")

				slowDone.Wait() // the slow requests are done, the permits free
				got, err = last.RoundTrip("last")
				require.NoError(t, err, "the connection stays open after a Busy")
				assert.Equal(t, "hello last", got, "once the permits are free, the same connection is served")
			})
		})
	}
}
