package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/rpc"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRPCCount(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv, err := StartRPC(ln, 2, 64, RPCLimits{})
	require.NoError(t, err)
	defer srv.Close()
	client, err := rpc.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer client.Close()

	for _, tc := range []struct{ n, want int }{{0, 0}, {2, 1}, {1000, 168}, {MaxPrimesN, 78498}} {
		var got int
		require.NoError(t, client.Call("Primes.Count", PrimesArgs{N: tc.n}, &got))
		assert.Equal(t, tc.want, got, "n=%d", tc.n)
	}
	var got int
	err = client.Call("Primes.Count", PrimesArgs{N: MaxPrimesN + 1}, &got)
	assert.ErrorContains(t, err, "n must be an integer from 0 to 1000000, got 1000001")

	// Many calls at once share one connection; every answer comes back to
	// the right caller.
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			var got int
			if assert.NoError(t, client.Call("Primes.Count", PrimesArgs{N: 100 + i}, &got)) {
				assert.Equal(t, countPrimes(100+i), got)
			}
		})
	}
	wg.Wait()
}

// A full queue is ErrBusy, the RPC face of a 503.
func TestRPCBusy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPool(1, 1)
		release := make(chan struct{})
		p.submit(func() { <-release })
		synctest.Wait()     // the worker holds the first job
		p.submit(func() {}) // and the second fills the queue
		svc := &PrimeService{pool: p}
		var got int
		assert.ErrorIs(t, svc.Count(PrimesArgs{N: 10}, &got), ErrBusy)
		close(release)
		p.stop()
	})
}

func TestShowRPC(t *testing.T) {
	var b strings.Builder
	require.NoError(t, showRPC(t.Context(), &b, 2, 10, 200))
	out := b.String()
	assert.Contains(t, out, "Primes.Count(1000) = 168")
	assert.Contains(t, out, `Primes.Count(-1): error "n must be an integer from 0 to 1000000, got -1"`)
	assert.Contains(t, out, "200 calls from 10 goroutines over one connection: 0 failed, 0 wrong")
}

// A message that claims 600 MiB is cut off at MaxMessage: the server reads
// no more than that (and its kernel buffers) and closes the connection,
// instead of reading the whole message into memory.
func TestRPCMessageLimit(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv, err := StartRPC(ln, 1, 4, RPCLimits{MaxMessage: 64 << 10})
	require.NoError(t, err)
	defer srv.Close()
	nc, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(20 * time.Second))
	// gob's message length, 600 MiB, as a negated byte count and 4 bytes.
	_, err = nc.Write([]byte{0xfc, 0x25, 0x80, 0x00, 0x00})
	require.NoError(t, err)
	const tries = 64 << 20
	sent := 0
	chunk := make([]byte, 64<<10)
	for sent < tries {
		n, err := nc.Write(chunk)
		sent += n
		if err != nil {
			break
		}
	}
	assert.Less(t, sent, tries, "the server stopped reading and closed")

	// The server still serves everyone else.
	client, err := rpc.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer client.Close()
	var got int
	require.NoError(t, client.Call("Primes.Count", PrimesArgs{N: 1000}, &got))
	assert.Equal(t, 168, got)
}

// Calls of one connection in flight at once are bounded: a client that
// sends many calls gets them run at most MaxInFlight at a time.
func TestRPCInFlightLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newMemListener()
		srv := rpc.NewServer()
		svc := &slowService{release: make(chan struct{})}
		require.NoError(t, srv.RegisterName("Slow", svc))
		var wg sync.WaitGroup
		wg.Go(func() {
			c, err := l.Accept()
			if err == nil {
				srv.ServeCodec(newLimitedCodec(c, RPCLimits{MaxInFlight: 3}))
			}
		})
		nc, err := l.Dial()
		require.NoError(t, err)
		client := rpc.NewClient(nc)
		// The client's sends block once the server stops reading (no
		// memConn buffer), so they go from a goroutine of their own.
		sent := make(chan []*rpc.Call)
		go func() {
			var calls []*rpc.Call
			for range 10 {
				calls = append(calls, client.Go("Slow.Wait", 0, new(int), nil))
			}
			sent <- calls
		}()
		synctest.Wait()
		assert.EqualValues(t, 3, svc.running.Load(), "three run, seven wait unread")
		close(svc.release)
		for _, c := range <-sent {
			<-c.Done
			assert.NoError(t, c.Error)
		}
		assert.EqualValues(t, 3, svc.peak.Load())
		client.Close()
		l.Close()
		wg.Wait()
	})
}

type slowService struct {
	release       chan struct{}
	running, peak atomic.Int64
}

func (s *slowService) Wait(_ int, reply *int) error {
	n := s.running.Add(1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	<-s.release
	s.running.Add(-1)
	return nil
}

// A connection that sends nothing, or half a message, is closed after
// IdleTimeout instead of being held for ever.
func TestRPCIdleTimeout(t *testing.T) {
	for _, name := range []string{"silent", "half a message"} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l := newMemListener()
				srv := rpc.NewServer()
				require.NoError(t, srv.RegisterName("Primes", &PrimeService{}))
				done := make(chan struct{})
				go func() {
					defer close(done)
					c, err := l.Accept()
					if err == nil {
						srv.ServeCodec(newLimitedCodec(c, RPCLimits{IdleTimeout: 3 * time.Second}))
					}
				}()
				nc, err := l.Dial()
				require.NoError(t, err)
				start := time.Now()
				if name != "silent" {
					go nc.Write([]byte{0x20, 0x01, 0x02}) // 32 bytes announced, 2 sent
				}
				<-done
				assert.Equal(t, 3*time.Second, time.Since(start))
				nc.Close()
				l.Close()
			})
		})
	}
}

// rpc serve and rpc call, the two programs of the tutorial's RMI example.
func TestRPCServeAndCall(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := net.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- chapter.Run(ctx, []string{"rpc", "serve", "-addr", "127.0.0.1:0", "-max-in-flight", "4"}, pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	require.True(t, lines.Scan())
	f := strings.Fields(lines.Text()) // serving Primes.Count over net/rpc on ADDR (workers 4)
	require.GreaterOrEqual(t, len(f), 6, lines.Text())
	addr := f[5]
	require.True(t, lines.Scan())
	assert.Equal(t, "limits: 65536 bytes per request, 4 calls in flight per connection, idle 30s", lines.Text())

	var out, errw strings.Builder
	require.Equal(t, 0, chapter.Run(t.Context(), []string{"rpc", "call", "-addr", addr, "-n", "1000"}, &out, &errw), errw.String())
	assert.Equal(t, "Primes.Count(1000) = 168\n", out.String())
	out.Reset()
	errw.Reset()
	require.Equal(t, 1, chapter.Run(t.Context(), []string{"rpc", "call", "-addr", addr, "-n", "1000000", "-timeout", "1ms"}, &out, &errw))
	assert.Contains(t, errw.String(), "07-pool-server: rpc call: ")

	cancel()
	for lines.Scan() {
	}
	assert.Equal(t, 130, <-done)
}
