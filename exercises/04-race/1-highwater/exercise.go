//go:build coach

// Exercise 04.1: a high-water mark with compare-and-swap.
//
// A HighWater remembers the largest value any goroutine has observed. Many
// goroutines call Observe at once. Observe below is check-then-act, like the
// wallet whose every step is locked in 04-race/checkact.go: the load is
// atomic and the store is atomic, so the race detector has nothing to say,
// but the whole is not. Two goroutines can both read 0, the one with 9
// stores 9, and the one with 7 then stores 7 over it: the 9 is lost.
//
// TODO: make Observe never lose a larger value, with no mutex: load the
// maximum, decide, and store only if the maximum is still the one you
// loaded (atomic.Int64's CompareAndSwap), trying again if it is not.
//
// Keep the call to h.between(v) after each load and before you act on it:
// the test uses it to make two Observes collide in that window every time,
// instead of once in a million runs.
package highwater

import "sync/atomic"

// A HighWater records the largest value observed. The zero value is ready to
// use, with a maximum of 0, and its methods may be called from any number of
// goroutines at once. Values observed are expected to be ≥ 0.
type HighWater struct {
	max   atomic.Int64
	pause func(v int64) // set by the test; see between
}

// Observe records v if it is larger than every value observed so far.
func (h *HighWater) Observe(v int64) {
	old := h.max.Load() // check...
	if v <= old {
		return
	}
	h.between(v)
	h.max.Store(v) // ...then act, on a maximum that may have changed
}

// Max returns the largest value observed so far, or 0.
func (h *HighWater) Max() int64 { return h.max.Load() }

// between stands for whatever a real program might do between reading the
// maximum and writing it (or for simply being preempted there). The test
// sets pause to line goroutines up; otherwise it does nothing.
func (h *HighWater) between(v int64) {
	if h.pause != nil {
		h.pause(v)
	}
}
