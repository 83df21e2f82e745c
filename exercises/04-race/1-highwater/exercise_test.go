//go:build coach

package highwater

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// One goroutine: Max is the largest value observed.
func TestObserveInOrder(t *testing.T) {
	tests := []struct {
		observe []int64
		want    int64
	}{
		{nil, 0},
		{[]int64{3}, 3},
		{[]int64{3, 1, 2}, 3},
		{[]int64{1, 5, 2, 5, 4}, 5},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.observe), func(t *testing.T) {
			var h HighWater
			for _, v := range tt.observe {
				h.Observe(v)
			}
			assert.Equal(t, tt.want, h.Max())
		})
	}
}

// collideTimeout bounds how long one Observe waits for the other inside
// between. A correct Observe never makes it wait that long: it fires only
// when the two cannot both be inside between at once.
const collideTimeout = 10 * time.Second

// Two goroutines observe lo and hi, both larger than the maximum so far.
// between lines them up the way that loses a value every time, instead of
// once in a million runs: both read the old maximum, hi writes first, and lo
// acts only after Observe(hi) has returned.
func TestObserveCollide(t *testing.T) {
	tests := []struct{ start, lo, hi int64 }{
		{0, 7, 9},
		{5, 6, 100},
		{0, 1, 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("start %d, observe %d and %d", tt.start, tt.lo, tt.hi), func(t *testing.T) {
			var h HighWater
			h.Observe(tt.start)

			var loCalls, hiCalls atomic.Int64
			var timedOut atomic.Bool
			loArrived := make(chan struct{}) // lo has read the maximum
			hiDone := make(chan struct{})    // Observe(hi) has returned
			wait := func(ch <-chan struct{}, who, what string) {
				select {
				case <-ch:
				case <-time.After(collideTimeout):
					timedOut.Store(true)
					t.Errorf("Observe(%s) waited %s for %s: the two Observes never were between their read and their write at the same time. Is something making them take turns (a lock)? Use a compare-and-swap loop", who, collideTimeout, what)
				}
			}
			h.pause = func(v int64) {
				switch v {
				case tt.lo:
					if loCalls.Add(1) == 1 {
						close(loArrived)
						wait(hiDone, fmt.Sprint(tt.lo), fmt.Sprintf("Observe(%d) to return", tt.hi))
					}
				case tt.hi:
					if hiCalls.Add(1) == 1 {
						wait(loArrived, fmt.Sprint(tt.hi), fmt.Sprintf("Observe(%d) to read the maximum", tt.lo))
					}
				}
			}

			var wg sync.WaitGroup
			wg.Go(func() { h.Observe(tt.lo) })
			wg.Go(func() {
				h.Observe(tt.hi)
				close(hiDone)
			})
			wg.Wait()

			assert.Equal(t, tt.hi, h.Max(), "a larger value was lost: after Observe(%d) and Observe(%d), Max must be %d", tt.lo, tt.hi, tt.hi)
			if !timedOut.Load() {
				assert.True(t, loCalls.Load() > 0 && hiCalls.Load() > 0, "keep the call to h.between(v) between reading the maximum and writing it")
			}
		})
	}
}

// Many goroutines at once, no lining up: the race detector watches, and the
// largest value must win.
func TestObserveFromManyGoroutines(t *testing.T) {
	for _, goroutines := range []int{2, 8} {
		t.Run(fmt.Sprint(goroutines, " goroutines"), func(t *testing.T) {
			const perGoroutine = 1000
			var h HighWater
			var wg sync.WaitGroup
			for g := range goroutines {
				wg.Go(func() {
					for i := range perGoroutine {
						h.Observe(int64(i*goroutines + g)) // interleaved values
					}
				})
			}
			wg.Wait()
			assert.Equal(t, int64(perGoroutine*goroutines-1), h.Max(), "a larger value was lost")
		})
	}
}
