package main

import (
	"errors"
	"sync"
)

// Thread is the Python and Java model, built from Go parts so that a reader
// coming from threading.Thread or java.lang.Thread sees their own API first:
// create with a target, Start, Join. Under the hood it is one goroutine and
// one channel that is closed when the target returns.
//
// Go code does not need this type (the `go` statement plus a WaitGroup or a
// channel does the same in fewer lines), but building it shows exactly what
// Start and Join are: a goroutine launch and a wait on a closed channel.
//
// A Thread's methods are safe to call from any goroutine.
type Thread struct {
	target func()
	done   chan struct{}

	mu      sync.Mutex
	started bool
}

// Errors returned by Start and Join, after Python's RuntimeErrors of the same
// meaning and Java's IllegalThreadStateException.
var (
	ErrStartedTwice = errors.New("thread: can only be started once")
	ErrNotStarted   = errors.New("thread: cannot join a thread before it is started")
)

// NewThread prepares a thread that will run target. Nothing runs yet: like
// Python's Thread(target=...) it is only created.
func NewThread(target func()) *Thread {
	return &Thread{target: target, done: make(chan struct{})}
}

// Start runs the target in a new goroutine. A second Start returns
// ErrStartedTwice and does nothing.
func (t *Thread) Start() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.started {
		return ErrStartedTwice
	}
	t.started = true
	go func() {
		defer close(t.done) // even if target panics, joiners are released
		t.target()
	}()
	return nil
}

// Join blocks until the target has returned. Everything the target wrote is
// visible to the caller once Join returns: closing a channel happens before
// a receive that sees it closed. Join before Start returns ErrNotStarted
// rather than blocking forever.
func (t *Thread) Join() error {
	t.mu.Lock()
	started := t.started
	t.mu.Unlock()
	if !started {
		return ErrNotStarted
	}
	<-t.done
	return nil
}

// Alive reports whether the thread has started and not yet finished
// (Python's is_alive, Java's isAlive).
func (t *Thread) Alive() bool {
	t.mu.Lock()
	started := t.started
	t.mu.Unlock()
	if !started {
		return false
	}
	select {
	case <-t.done:
		return false
	default:
		return true
	}
}
