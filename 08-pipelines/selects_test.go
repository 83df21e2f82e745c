package main

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
)

// Both cases are ready every round, so each wins about half the time. With
// 20000 rounds the standard deviation is about 71, so 45%..55% is 14
// deviations wide: a fair select never fails it, a biased one always does.
func TestSelectIsRandomWhenBothReady(t *testing.T) {
	const rounds = 20_000
	a, b := selectCounts(rounds)
	assert.Equal(t, rounds, a+b)
	assert.InDelta(t, rounds/2, a, rounds*0.05, "a won %d of %d", a, rounds)
	assert.InDelta(t, rounds/2, b, rounds*0.05, "b won %d of %d", b, rounds)
}

func TestTrySend(t *testing.T) {
	ch := make(chan int, 1)
	assert.True(t, trySend(ch, 1), "room in the buffer")
	assert.False(t, trySend(ch, 2), "buffer full")
	assert.False(t, trySend(make(chan int), 3), "unbuffered, nobody receiving")
	assert.False(t, trySend(nil, 4), "nil channel")
	assert.Equal(t, 1, <-ch)
}

// merge must deliver everything from two inputs that close at different
// times, and close its output only after both. The later input here closes
// a minute after the first, on synctest's fake clock.
func TestMergeWithNilChannels(t *testing.T) {
	tests := []struct {
		name      string
		a, b      []int
		lateClose string // which input closes a minute late
	}{
		{"a closes late", []int{1, 2, 3}, []int{10, 20}, "a"},
		{"b closes late", []int{1, 2, 3}, []int{10, 20}, "b"},
		{"a empty", nil, []int{10, 20}, "b"},
		{"both empty", nil, nil, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				input := func(vs []int, late bool) <-chan int {
					ch := make(chan int)
					go func() {
						defer close(ch)
						for _, v := range vs {
							ch <- v
						}
						if late {
							time.Sleep(time.Minute)
						}
					}()
					return ch
				}
				start := time.Now()
				var got []int
				for v := range merge(input(tt.a, tt.lateClose == "a"), input(tt.b, tt.lateClose == "b")) {
					got = append(got, v)
				}
				assert.ElementsMatch(t, append(append([]int{}, tt.a...), tt.b...), got)
				assert.Equal(t, time.Minute, time.Since(start), "out closes when the later input closes")
			})
		})
	}
}

func TestServeStopsWhenDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		done := make(chan struct{})
		requests, replies := make(chan int), make(chan int)
		var wg sync.WaitGroup
		wg.Go(func() { serve(done, requests, replies) })
		requests <- 4
		assert.Equal(t, 16, <-replies)
		requests <- 5 // taken, but its reply is never read
		synctest.Wait()
		close(done) // still stops: the reply's send is in a select with done
		wg.Wait()
	})
}

func TestTimeoutLoops(t *testing.T) {
	for _, loop := range []func(int){afterLoop, timerLoop} {
		c := measure(1000, loop)
		assert.Positive(t, c.perIter)
	}
}

// A blocking select does not run at all until a case is ready, however long
// it waits. (The spinning loop's CPU time is measured by the spin child, in
// children_test.go.)
func TestBlockLoopSleeps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stop := make(chan struct{})
		var polls int
		var wg sync.WaitGroup
		wg.Go(func() { polls = blockLoop(stop) })
		time.Sleep(time.Hour)
		synctest.Wait()
		close(stop)
		wg.Wait()
		assert.Zero(t, polls, "a blocked select does not run until a case is ready")
	})
}
