//go:build coach

package highwater

// Rejects:
//   - mutex: a mutex makes the Observes take turns
//   - singlecas: one CompareAndSwap and no retry loses v when the other wrote first
//   - storeonfail: stores v anyway when the CompareAndSwap fails

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
const collideTimeout = 2 * time.Second

// Two goroutines observe lo and hi, both larger than the maximum so far.
// between lines them up the way that loses a value every time, instead of
// once in a million runs: both read the old maximum, then one of them acts
// only after the other's Observe has returned. Both orders are forced, hi
// first and lo first: each loses a value in a different wrong answer.
func TestObserveCollide(t *testing.T) {
	tests := []struct{ start, lo, hi int64 }{
		{0, 7, 9},
		{5, 6, 100},
		{0, 1, 2},
	}
	for _, tt := range tests {
		for _, hiFirst := range []bool{true, false} {
			first, second := tt.hi, tt.lo
			if !hiFirst {
				first, second = tt.lo, tt.hi
			}
			t.Run(fmt.Sprintf("start %d, observe %d and %d, %d writes first", tt.start, tt.lo, tt.hi, first), func(t *testing.T) {
				collide(t, tt.start, first, second, tt.hi)
			})
		}
	}
}

// collide observes first and second at once, lined up so that both read
// the maximum before either writes, and second acts only after
// Observe(first) has returned. want is the larger of the two.
func collide(t *testing.T, start, first, second, want int64) {
	var h HighWater
	h.Observe(start)

	var firstCalls, secondCalls atomic.Int64
	var timedOut atomic.Bool
	secondArrived := make(chan struct{}) // second has read the maximum
	firstDone := make(chan struct{})     // Observe(first) has returned
	wait := func(ch <-chan struct{}, who int64, what string) {
		select {
		case <-ch:
		case <-time.After(collideTimeout):
			timedOut.Store(true)
			t.Errorf("Observe(%d) waited %s for %s: the two Observes never were between their read and their write at the same time. Is something making them take turns (a lock)? Use a compare-and-swap loop", who, collideTimeout, what)
		}
	}
	h.pause = func(v int64) {
		switch v {
		case second:
			if secondCalls.Add(1) == 1 {
				close(secondArrived)
				wait(firstDone, second, fmt.Sprintf("Observe(%d) to return", first))
			}
		case first:
			if firstCalls.Add(1) == 1 {
				wait(secondArrived, first, fmt.Sprintf("Observe(%d) to read the maximum", second))
			}
		}
	}

	var wg sync.WaitGroup
	wg.Go(func() { h.Observe(second) })
	wg.Go(func() {
		h.Observe(first)
		close(firstDone)
	})
	wg.Wait()

	assert.Equal(t, want, h.Max(), "a larger value was lost: after Observe(%d) and Observe(%d), Max must be %d", first, second, want)
	if !timedOut.Load() {
		assert.True(t, firstCalls.Load() > 0 && secondCalls.Load() > 0, "keep the call to h.between(v) between reading the maximum and writing it")
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
