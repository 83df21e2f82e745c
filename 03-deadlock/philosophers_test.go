package main

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/timeline"
)

// noNeighboursEatTogether checks the safety property: two philosophers who
// share a fork never eat at the same time.
func noNeighboursEatTogether(t *testing.T, n int, spans []timeline.Span) {
	t.Helper()
	byLane := map[string][]timeline.Span{}
	for _, s := range spans {
		byLane[s.Lane] = append(byLane[s.Lane], s)
	}
	for i := range n {
		for _, a := range byLane[Lane(i)] {
			for _, b := range byLane[Lane((i+1)%n)] {
				overlap := a.Start < b.End && b.Start < a.End
				assert.False(t, overlap, "%s meal %s and %s meal %s overlap", a.Lane, a.Label, b.Lane, b.Label)
			}
		}
	}
}

func TestDineAlwaysFinishes(t *testing.T) {
	for _, s := range []Strategy{Hierarchy, Waiter} {
		for _, n := range []int{2, 3, 5, 8} {
			t.Run(s.String()+"/"+Lane(n-1), func(t *testing.T) {
				// Real time and real scheduling, many rounds, under -race.
				for range 20 {
					var rec timeline.Recorder
					meals := Dine(Table{N: n, Meals: 5, Strategy: s}, &rec)
					for i, m := range meals {
						require.Equal(t, 5, m, "philosopher %d", i+1)
					}
					noNeighboursEatTogether(t, n, rec.Spans())
				}
			})
		}
	}
}

// In a synctest bubble the clock is fake and only moves when every
// philosopher is blocked, so the timeline is exact and the same every run.
func TestDineTimelineInBubble(t *testing.T) {
	for _, s := range []Strategy{Hierarchy, Waiter} {
		t.Run(s.String(), func(t *testing.T) {
			var first string
			for run := range 20 {
				synctest.Test(t, func(t *testing.T) {
					var rec timeline.Recorder
					meals := Dine(Table{N: 5, Meals: 3, Eat: 10 * time.Millisecond, Think: time.Millisecond, Strategy: s}, &rec)
					assert.Equal(t, []int{3, 3, 3, 3, 3}, meals)
					noNeighboursEatTogether(t, 5, rec.Spans())
					var b strings.Builder
					require.NoError(t, timeline.Render(&b, rec.Spans(), timeline.Options{Width: 60, Style: timeline.ASCII}))
					if run == 0 {
						first = b.String()
						t.Log("\n" + first)
					}
					assert.Equal(t, first, b.String(), "run %d drew a different timeline", run)
				})
			}
		})
	}
}
