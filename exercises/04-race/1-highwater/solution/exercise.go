//go:build coach

// Exercise 04.1, solved: a compare-and-swap loop, the casLoop wallet of
// 04-race/checkact.go turned around. The swap stores v only if the maximum
// is still the value this goroutine read; if another goroutine changed it in
// between, the swap fails and the loop decides again on the fresh value. No
// lock, and no larger value can be overwritten by a smaller one.
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
	for {
		old := h.max.Load()
		if v <= old {
			return // someone has already seen at least as much
		}
		h.between(v)
		if h.max.CompareAndSwap(old, v) {
			return // the maximum was still old, and is now v
		}
		// The maximum changed since we loaded it: look again.
	}
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
