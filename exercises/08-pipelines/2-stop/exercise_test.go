//go:build coach

package stop

// Rejects:
//   - leak: cancels, but Squares ignores the context and stays blocked on its send
//   - sleep: sleeps after cancelling instead of waiting for the stages
//   - drain-one: waits for Squares but not for the source; right only when the source stops at once

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A source sends 1, 2, ..., n. Told to stop, it takes cleanup (on the
// bubble's fake clock) before it closes its channel and returns.
type source struct {
	n       int
	cleanup time.Duration
	exited  atomic.Bool
}

func (s *source) numbers(ctx context.Context) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		defer s.exited.Store(true)
		for i := 1; i <= s.n; i++ {
			select {
			case ch <- i:
			case <-ctx.Done():
				time.Sleep(s.cleanup)
				return
			}
		}
	}()
	return ch
}

// Each case runs 20 times: how far the stages got when FirstOver returned
// depends on the scheduler, and an answer that is right only in some of
// those interleavings must not pass by luck.
func TestFirstOver(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		cleanup time.Duration
		limit   int
		want    int
		found   bool
	}{
		{"stops early", 1_000_000, 0, 50, 64, true},
		{"the source takes an hour to clean up", 1_000_000, time.Hour, 50, 64, true},
		{"the first square is enough", 10, time.Minute, 0, 1, true},
		{"the numbers run out", 5, time.Hour, 1000, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 20 {
				firstOverOnce(t, tt.n, tt.cleanup, tt.limit, tt.want, tt.found)
				if t.Failed() {
					return
				}
			}
		})
	}
}

func firstOverOnce(t *testing.T, n int, cleanup time.Duration, limit, want int, wantFound bool) {
	synctest.Test(t, func(t *testing.T) {
		before := goleak.IgnoreCurrent()
		src := &source{n: n, cleanup: cleanup}
		got, found := FirstOver(t.Context(), src.numbers, limit)
		exited := src.exited.Load()
		assert.Equal(t, want, got)
		assert.Equal(t, wantFound, found)

		synctest.Wait() // whatever can still finish, finishes
		if err := goleak.Find(before); err != nil {
			t.Fatalf("FirstOver left goroutines behind: every stage must return before FirstOver does\n%v", err)
		}
		if !exited {
			t.Fatalf("FirstOver returned while the source was still running (told to stop, it takes %v to clean up "+
				"and close its channel): wait until its channel is closed; sleeping is a guess", cleanup)
		}
	})
}
