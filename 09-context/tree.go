package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// errShutdown is the cause the lesson gives when it cancels a tree: with
// WithCancelCause, whoever cancels says why, and context.Cause reads it
// anywhere below.
var errShutdown = errors.New("server shutting down")

// requestIDKey is an unexported type, so no other package can read or
// overwrite the value by accident: the one rule of WithValue keys.
type requestIDKey struct{}

// showTree builds a small tree of contexts, cancels its root, and shows what
// each node then says; then it stops a tree of goroutines with one cancel.
func showTree(ctx context.Context, w io.Writer) error {
	root, cancelRoot := context.WithCancelCause(ctx)
	defer cancelRoot(nil)
	// Every With... returns a child that ends when its parent does, or
	// earlier: a timeout, a deadline, or its own cancel.
	req, cancelReq := context.WithTimeout(root, time.Hour)
	defer cancelReq()
	db, cancelDB := context.WithDeadline(req, time.Now().Add(time.Hour))
	defer cancelDB()
	// Values ride along for request-scoped facts (a request ID, a trace),
	// never for optional parameters or dependencies: those go in arguments.
	tagged := context.WithValue(db, requestIDKey{}, "req-42")
	// WithoutCancel keeps the values and drops the cancellation: for work
	// that must finish even though the request that started it is gone,
	// such as writing an audit record.
	audit := context.WithoutCancel(tagged)
	// AfterFunc runs f in its own goroutine once the context is done:
	// cleanup hung on a context without a goroutine waiting for it.
	fired := make(chan string, 1)
	stopAfter := context.AfterFunc(db, func() { fired <- "AfterFunc ran: closing the db connection" })
	defer stopAfter()

	fmt.Fprintln(w, "a tree: root (WithCancelCause) > request (WithTimeout 1h) > db (WithDeadline) > value > WithoutCancel")
	cancelRoot(errShutdown)
	fmt.Fprintf(w, "  after cancelling the root with a cause:\n")
	fmt.Fprintf(w, "  request.Err() = %v, context.Cause(request) = %v\n", req.Err(), context.Cause(req))
	fmt.Fprintf(w, "  db.Err()      = %v, context.Cause(db)      = %v\n", db.Err(), context.Cause(db))
	fmt.Fprintf(w, "  %s\n", <-fired)
	fmt.Fprintf(w, "  audit.Err()   = %v, request ID still there: %v\n", audit.Err(), audit.Value(requestIDKey{}))

	// A timeout ends the context by itself; the cause says which one.
	short, cancelShort := context.WithTimeoutCause(ctx, 20*time.Millisecond, errors.New("db query over its 20ms budget"))
	defer cancelShort()
	<-short.Done()
	fmt.Fprintf(w, "  a 20ms timeout: Err() = %v, Cause = %v\n", short.Err(), context.Cause(short))

	fmt.Fprintf(w, "\nstopping %d goroutines in %d subtrees with one cancel:\n", cfg.goroutines, subtrees(cfg.goroutines))
	took, err := StopTree(ctx, cfg.goroutines)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  all %d stopped and waited for, %v after the cancel\n", cfg.goroutines, took.Round(100*time.Microsecond))
	fmt.Fprintln(w, "  the rule: whoever starts a goroutine gives it a way to stop (a context), and waits for it (a WaitGroup)")
	fmt.Fprintln(w, "  forget the cancel and go vet says so: go vet ./09-context/testdata/lostcancel")
	return nil
}

// subtrees is how many middle nodes StopTree puts between the root and the
// goroutines: about the square root of n, so the tree is two levels deep.
func subtrees(n int) int {
	k := 1
	for k*k < n {
		k++
	}
	return k
}

// StopTree starts n goroutines under a two-level tree of contexts, each one
// working until its context ends, then cancels the root and returns how long
// it took until every goroutine had returned. It waits for all of them
// whatever happens: a goroutine it started never outlives it. StopTree
// returns ctx's error if ctx ends before the tree is built.
func StopTree(ctx context.Context, n int) (time.Duration, error) {
	return stopTree(ctx, n, func() time.Duration { return time.Duration(time.Now().UnixNano()) })
}

// stopTree is StopTree with the clock it measures by: the wall clock, or a
// benchmark's CPU clock.
func stopTree(ctx context.Context, n int, clock func() time.Duration) (time.Duration, error) {
	root, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var ready sync.WaitGroup
	k := subtrees(n)
	for i := range k {
		sub, cancelSub := context.WithCancel(root)
		defer cancelSub()
		for j := i; j < n; j += k {
			ready.Add(1)
			wg.Go(func() { worker(sub, &ready) })
		}
	}
	ready.Wait() // every goroutine is in its loop, so the cancel stops real work
	if err := ctx.Err(); err != nil {
		cancel()
		wg.Wait()
		return 0, err
	}
	start := clock()
	cancel()
	wg.Wait()
	return clock() - start, nil
}

// worker stands for every long-running goroutine in this chapter: it waits
// for its work or its context, whichever comes first, in one select. Here no
// work ever comes, so it waits for the cancel.
func worker(ctx context.Context, ready *sync.WaitGroup) {
	ready.Done()
	<-ctx.Done()
}
