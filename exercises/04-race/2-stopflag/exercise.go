//go:build coach

// Exercise 04.2: stop the spinner without a data race.
//
// A Spinner calls work over and over in its own goroutine, as fast as it
// can, until Stop. Stop tells it to stop with a plain bool, like
// 04-race/spin/main.go: Stop writes done, the spinner reads it, and nothing
// orders the two. That is a data race, so the Go memory model does not even
// promise that the spinner ever sees the write, and the race detector
// reports it.
//
// TODO: replace the done bool with a channel that Stop closes. Keep the busy
// loop: the spinner must still call work once per pass and never block
// between calls.
package stopflag

// A Spinner runs work in a loop in its own goroutine until Stop.
type Spinner struct {
	work    func()
	done    bool     // the stop flag: plain memory, no synchronisation
	stopped chan int // the spinner sends how many times it called work
}

// Start starts a goroutine that calls work again and again until Stop.
func Start(work func()) *Spinner {
	s := &Spinner{work: work, stopped: make(chan int)}
	go func() {
		calls := 0
		for !s.done { // the read: nothing makes Stop's write visible here
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
	s.done = true // the write
	return <-s.stopped
}
