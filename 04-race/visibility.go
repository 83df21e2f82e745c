package main

import "sync/atomic"

// spin/main.go stops a busy goroutine with a plain bool: a data race. These
// are the two usual fixes. Both give the memory model an edge to follow, so
// the spinner is guaranteed to see the stop, whatever the compiler does.

// spinAtomic spins until stop is set and returns how many times it went
// round. stop.Store(true) is synchronised with the Load that observes it, so
// the loop must end once the store is done, and anything the storing
// goroutine wrote before the Store is visible after the Load.
func spinAtomic(stop *atomic.Bool) int {
	spins := 0
	for !stop.Load() {
		spins++
	}
	return spins
}

// pollChannel does a unit of work per pass until stop is closed. A close
// happens before a receive that returns because the channel is closed, which
// is the same guarantee, and a closed channel tells any number of goroutines
// at once.
func pollChannel(stop <-chan struct{}) int {
	spins := 0
	for {
		select {
		case <-stop:
			return spins
		default:
			spins++
		}
	}
}

// stopFixes are the fixed stop flags, for the lesson and the tests. Each
// starts a spinner, tells it to stop, and returns once it has stopped.
var stopFixes = []struct {
	name string
	run  func()
}{
	{"atomic.Bool", func() {
		var stop atomic.Bool
		stopped := make(chan int)
		go func() { stopped <- spinAtomic(&stop) }()
		stop.Store(true)
		<-stopped
	}},
	{"a closed channel", func() {
		stop := make(chan struct{})
		stopped := make(chan int)
		go func() { stopped <- pollChannel(stop) }()
		close(stop)
		<-stopped
	}},
}
