//go:build coach

// Exercise 04.2, solved: Stop closes a channel, and the spinner polls it with
// a select whose default branch does the work, so it never blocks. Closing a
// channel happens before any receive that returns because it is closed: the
// memory model now guarantees that the spinner sees the stop, and there is
// nothing left for the race detector to report. (An atomic.Bool, stored by
// Stop and loaded by the loop, would do as well; a closed channel can also
// tell any number of goroutines at once.)
package stopflag

// A Spinner runs work in a loop in its own goroutine until Stop.
type Spinner struct {
	work    func()
	done    chan struct{} // closed by Stop to say "stop"
	stopped chan int      // the spinner sends how many times it called work
}

// Start starts a goroutine that calls work again and again until Stop.
func Start(work func()) *Spinner {
	// Both channels are made before the go statement, which happens before
	// the goroutine starts, so the goroutine sees them.
	s := &Spinner{work: work, done: make(chan struct{}), stopped: make(chan int)}
	go func() {
		calls := 0
		for {
			select {
			case <-s.done:
				s.stopped <- calls
				return
			default: // not stopped yet: one unit of work, then look again
				s.work()
				calls++
			}
		}
	}()
	return s
}

// Stop tells the spinner to stop, waits until it has, and returns how many
// times it called work. Call it once.
func (s *Spinner) Stop() int {
	close(s.done)
	return <-s.stopped
}
