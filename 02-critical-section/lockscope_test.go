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

// In a bubble time is fake and exact, so both drawings of the lesson's part 4
// can be compared character for character: with the lock held across the
// fetch the three workers queue and the whole thing takes 3 fetches; with
// only the add locked the fetches overlap.
func TestDepositsTimeline(t *testing.T) {
	tests := []struct {
		name     string
		hold     bool
		wantTook time.Duration
		width    int
		want     string
	}{
		{"lock held across the fetch", true, 90 * time.Millisecond, 60, `` +
			"          0                                                       90ms\n" +
			"worker 1 |[locked: fetch+add=]                                        |\n" +
			"worker 2 |  [wait============][locked: fetch+add=]                    |\n" +
			"worker 3 |    [wait==============================][locked: fetch+add=]|\n"},
		{"only the add is locked", false, 36 * time.Millisecond, fixedWidth(60, 3), `` +
			"          0                   36ms\n" +
			"worker 1 |[fetch=============]|   |\n" +
			"worker 2 |  [fetch=============]| |\n" +
			"worker 3 |    [fetch=============||\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var rec timeline.Recorder
				balance, took := Deposits(&rec, NewChanLock(), 3, 30*time.Millisecond, tt.hold)
				assert.Equal(t, int64(3*108), balance)
				assert.Equal(t, tt.wantTook, took)
				var b strings.Builder
				require.NoError(t, timeline.Render(&b, rec.Spans(), timeline.Options{Width: tt.width, Style: timeline.ASCII, Lanes: lanes(3)}))
				assert.Equal(t, tt.want, b.String())
			})
		})
	}
}

// Whatever the timing, a worker is never in the locked span while another
// one is: the spans that hold the lock do not overlap.
func TestDepositsLockedSpansDoNotOverlap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rec timeline.Recorder
		Deposits(&rec, NewChanLock(), 6, 10*time.Millisecond, true)
		var held []timeline.Span
		for _, s := range rec.Spans() {
			if strings.HasPrefix(s.Label, "locked") {
				held = append(held, s)
			}
		}
		require.Len(t, held, 6)
		for i := 1; i < len(held); i++ {
			assert.GreaterOrEqual(t, held[i].Start, held[i-1].End, "%v overlaps %v", held[i], held[i-1])
		}
	})
}
