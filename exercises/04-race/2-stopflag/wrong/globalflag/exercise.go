//go:build coach

// Wrong: one atomic flag for every spinner, so stopping one stops them all.
package stopflag

import "sync/atomic"

// stop is shared by every Spinner.
var stop atomic.Bool

// A Spinner runs work in a loop in its own goroutine until Stop.
type Spinner struct {
	work    func()
	stopped chan int
}

// Start starts a goroutine that calls work again and again until Stop.
func Start(work func()) *Spinner {
	stop.Store(false)
	s := &Spinner{work: work, stopped: make(chan int)}
	go func() {
		calls := 0
		for !stop.Load() {
			s.work()
			calls++
		}
		s.stopped <- calls
	}()
	return s
}

// Stop tells the spinner to stop, waits until it has, and returns how many
// times it called work. Call it once.
func (s *Spinner) Stop() int {
	stop.Store(true)
	return <-s.stopped
}
