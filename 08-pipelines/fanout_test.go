package main

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

const testRounds = 500 // small jobs: the tests check answers, not speed

func TestFanOutGivesEveryAnswer(t *testing.T) {
	jobs := jobSeeds(50)
	want := serial(jobs, testRounds)
	for _, workers := range []int{1, 2, 3, 8, 100} {
		got := collect(fanOut(t.Context(), jobs, testRounds, workers), len(jobs))
		assert.Equal(t, want, got, "%d workers", workers)
	}
	assert.Empty(t, collect(fanOut(t.Context(), nil, testRounds, 2), 0))
}

func TestOrderedKeepsOrderWithinItsWindow(t *testing.T) {
	jobs := jobSeeds(200)
	want := serial(jobs, testRounds)
	for _, tt := range []struct{ workers, window int }{{1, 1}, {2, 1}, {2, 4}, {4, 8}, {8, 3}} {
		res, held := ordered(t.Context(), jobs, testRounds, tt.workers, tt.window)
		var got []uint64
		for v := range res {
			got = append(got, v)
		}
		assert.Equal(t, want, got, "%+v", tt)
		assert.LessOrEqual(t, held(), tt.window, "%+v: the reorder buffer outgrew its window", tt)
	}
}

// A consumer that stops early cancels, and every goroutine of both fan-outs
// returns.
func TestFanOutStopsOnCancel(t *testing.T) {
	before := goleak.IgnoreCurrent()
	jobs := jobSeeds(1000)
	ctx, cancel := context.WithCancel(t.Context())
	out := fanOut(ctx, jobs, testRounds, 4)
	<-out
	cancel()
	for range out {
	}
	ctx, cancel = context.WithCancel(t.Context())
	res, _ := ordered(ctx, jobs, testRounds, 4, 8)
	<-res
	cancel()
	for range res {
	}
	require.NoError(t, goleak.Find(before))
	assert.True(t, slices.IsSorted([]int{1, 2}))
}
