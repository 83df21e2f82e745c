package main

import (
	"errors"
	"fmt"
	"net"
	"net/rpc"
	"sync"
)

// The tutorial names Java RMI as the other way to build a client/server system:
// call a method on a remote object instead of writing requests to a stream.
// Go's standard library has the same idea in net/rpc. Here the prime count
// from /primes is a remote method, and its work runs on the same bounded pool.

// PrimeService is the /primes computation as a net/rpc service.
type PrimeService struct {
	pool *pool
}

// PrimesArgs is the argument of PrimeService.Count.
type PrimesArgs struct{ N int }

// ErrBusy is what a call gets when the pool's queue is full: the RPC face
// of HTTP's 503.
var ErrBusy = errors.New("server busy, queue full")

// Count sets *count to the number of primes ≤ args.N. net/rpc calls it on a
// goroutine of its own for every request; the work itself waits its turn on
// the pool, so at most the pool's size run at once.
func (p *PrimeService) Count(args PrimesArgs, count *int) error {
	if args.N < 0 || args.N > MaxPrimesN {
		return fmt.Errorf("n must be an integer from 0 to %d, got %d", MaxPrimesN, args.N)
	}
	done := make(chan struct{})
	if !p.pool.trySubmit(func() { *count = countPrimes(args.N); close(done) }) {
		return ErrBusy
	}
	<-done
	return nil
}

// RPCServer serves PrimeService over TCP with net/rpc's wire format
// (encoding/gob), one goroutine per connection as net/rpc expects, through
// limitedCodec (rpccodec.go): net/rpc's own codec has no limits.
type RPCServer struct {
	ln     net.Listener
	pool   *pool
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// StartRPC serves on ln with a pool of the given size until Close.
func StartRPC(ln net.Listener, workers, queue int, limits RPCLimits) (*RPCServer, error) {
	s := &RPCServer{ln: ln, pool: newPool(workers, queue), conns: map[net.Conn]struct{}{}}
	srv := rpc.NewServer()
	if err := srv.RegisterName("Primes", &PrimeService{pool: s.pool}); err != nil {
		s.pool.stop()
		return nil, err
	}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed by Close
			}
			s.mu.Lock()
			if s.closed { // accepted just as Close ran
				s.mu.Unlock()
				c.Close()
				return
			}
			s.conns[c] = struct{}{}
			s.mu.Unlock()
			s.wg.Go(func() {
				srv.ServeCodec(newLimitedCodec(c, limits)) // returns when the client hangs up
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
			})
		}
	})
	return s, nil
}

// Close stops accepting, closes every connection, waits for the calls in
// flight and stops the pool.
func (s *RPCServer) Close() {
	s.ln.Close()
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.pool.stop()
}
