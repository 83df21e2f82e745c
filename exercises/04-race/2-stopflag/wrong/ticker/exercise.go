//go:build coach

// Wrong: waits a millisecond between passes instead of spinning: no race,
// but the loop blocks between calls to work.
package stopflag

import "time"

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
			case <-time.After(time.Millisecond): // a pause between passes
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
