//go:build coach

// Wrong: when the CompareAndSwap fails it stores v anyway, over a maximum
// that may now be larger.
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
	old := h.max.Load()
	if v <= old {
		return
	}
	h.between(v)
	if !h.max.CompareAndSwap(old, v) {
		h.max.Store(v)
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
