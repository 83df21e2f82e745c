//go:build coach

// Wrong: Stop closes the channel but does not wait for the spinner: it reads
// the count while the spinner may still be writing it.
package stopflag

// A Spinner runs work in a loop in its own goroutine until Stop.
type Spinner struct {
	work  func()
	done  chan struct{}
	calls int
}

// Start starts a goroutine that calls work again and again until Stop.
func Start(work func()) *Spinner {
	s := &Spinner{work: work, done: make(chan struct{})}
	go func() {
		for {
			select {
			case <-s.done:
				return
			default:
				s.work()
				s.calls++
			}
		}
	}()
	return s
}

// Stop tells the spinner to stop and returns how many times it called work.
func (s *Spinner) Stop() int {
	close(s.done)
	return s.calls
}
