package main

import (
	"net"
	"net/rpc"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRPCCount(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv, err := StartRPC(ln, 2, 64)
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
	require.NoError(t, showRPC(&b, 2, 10, 200))
	out := b.String()
	assert.Contains(t, out, "Primes.Count(1000) = 168")
	assert.Contains(t, out, `Primes.Count(-1): error "n must be an integer from 0 to 1000000, got -1"`)
	assert.Contains(t, out, "200 calls from 10 goroutines over one connection: 0 failed, 0 wrong")
}
