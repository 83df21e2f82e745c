package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// showSingleflight shows a cache stampede collapsed into one backend call,
// a shared error, Forget, and DoChan with a context.
func showSingleflight(ctx context.Context, w io.Writer) error {
	n := cfg.callers
	calls, shared, _ := Stampede(n, nil)
	fmt.Fprintf(w, "%d concurrent misses for one key: the backend was called %d time(s); %d callers got a shared result\n", n, calls, shared)
	calls, _, failed := Stampede(n, errors.New("backend down"))
	fmt.Fprintf(w, "  the same with a failing backend: %d call(s), and %d callers got its one error\n", calls, failed)

	// Forget drops the key: the next caller starts a fresh call even while
	// the old one is still running, for a result known to be stale.
	var g singleflight.Group
	var backend atomic.Int64
	release := make(chan struct{})
	slow := func() (any, error) { backend.Add(1); <-release; return "v1", nil }
	first := g.DoChan("price", slow)
	g.Forget("price")
	second := g.DoChan("price", func() (any, error) { backend.Add(1); return "v2", nil })
	r2 := <-second
	close(release)
	r1 := <-first
	fmt.Fprintf(w, "Forget in the middle of a call: the next caller got %v from a fresh call, the first got %v; backend calls: %d\n", r2.Val, r1.Val, backend.Load())

	// DoChan lets one caller stop waiting when its context ends, while the
	// call goes on for everyone else.
	release = make(chan struct{})
	ch := g.DoChan("report", func() (any, error) { <-release; return "done", nil })
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	select {
	case r := <-ch:
		fmt.Fprintf(w, "DoChan: %v\n", r.Val)
	case <-short.Done():
		fmt.Fprintf(w, "DoChan with a 20ms deadline: this caller stopped waiting (%v); the call goes on\n", short.Err())
		close(release)
		<-ch // the lesson started the call, so it waits for it before moving on
		return ctx.Err()
	}
	close(release)
	return ctx.Err()
}

// Stampede sends n concurrent cache misses for one key through a
// singleflight.Group and returns how many times the backend ran and how many
// callers were told their result was shared, and how many got an error.
// fail, if not nil, is the backend's error. The backend answers only once all n callers are waiting
// (each has called DoChan), so the count does not depend on timing.
func Stampede(n int, fail error) (calls int64, shared, failed int) {
	var g singleflight.Group
	var backend, waiting atomic.Int64
	all := make(chan struct{})
	load := func() (any, error) {
		backend.Add(1)
		<-all
		if fail != nil {
			return nil, fail
		}
		return "fresh value", nil
	}
	results := make([]singleflight.Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ch := g.DoChan("key", load)
			if waiting.Add(1) == int64(n) {
				close(all)
			}
			results[i] = <-ch
		})
	}
	wg.Wait()
	for _, r := range results {
		if r.Shared {
			shared++
		}
		if r.Err != nil {
			failed++
		}
	}
	return backend.Load(), shared, failed
}
