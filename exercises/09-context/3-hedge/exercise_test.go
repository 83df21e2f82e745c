//go:build coach

package hedge

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

// Rejects:
//   - nocancel: drops the cancel function, so the losing call runs to its end (go vet reports it too)
//   - nowait: cancels the loser but returns before it has returned

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// replicas is a fake backend on synctest's clock. Replica r answers after
// took[r]; a cancelled call notes when it heard the cancel, then takes 1ms
// to clean up (close its connection) before it returns.
type replicas struct {
	took map[int]time.Duration

	mu        sync.Mutex
	start     time.Time
	calls     int
	cancelled map[int]time.Duration // replica -> when it heard the cancel
	returned  map[int]time.Duration // replica -> when its get returned
}

func newReplicas(took map[int]time.Duration) *replicas {
	return &replicas{took: took, start: time.Now(), cancelled: map[int]time.Duration{}, returned: map[int]time.Duration{}}
}

func (b *replicas) get(ctx context.Context, r int) (string, error) {
	b.mu.Lock()
	b.calls++
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.returned[r] = time.Since(b.start)
		b.mu.Unlock()
	}()
	t := time.NewTimer(b.took[r])
	defer t.Stop()
	select {
	case <-t.C:
		return []string{"from replica 0", "from replica 1"}[r], nil
	case <-ctx.Done():
		b.mu.Lock()
		b.cancelled[r] = time.Since(b.start)
		b.mu.Unlock()
		time.Sleep(time.Millisecond) // cleaning up
		return "", ctx.Err()
	}
}

// settle lets a day of fake time pass (at once), so that calls a wrong
// Hedged left running end before the bubble does, and a failure is reported
// as itself, not as a deadlock.
func settle() { time.Sleep(24 * time.Hour) }

// Replica 0 is stuck for an hour; the hedge goes out at 10ms and answers
// 5ms later. Hedged must return replica 1's answer, cancel replica 0 at
// 15ms, and return at 16ms, when replica 0 has finished cleaning up.
func TestTheHedgeWinsAndTheLoserIsCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		defer settle()
		b := newReplicas(map[int]time.Duration{0: time.Hour, 1: 5 * time.Millisecond})
		got, err := Hedged(t.Context(), 10*time.Millisecond, b.get)
		took := time.Since(b.start)
		synctest.Wait()
		b.mu.Lock()
		defer b.mu.Unlock()
		if !assert.Equal(t, "from replica 1", got, "the slow replica must be hedged after 10ms") {
			return
		}
		assert.NoError(t, err)
		if assert.Contains(t, b.cancelled, 0, "the loser must be cancelled: replica 0 never heard of it") {
			assert.Equal(t, 15*time.Millisecond, b.cancelled[0], "the loser must be cancelled as soon as the winner answers")
		}
		assert.Equal(t, 16*time.Millisecond, took, "Hedged must wait for the call it cancelled to return (1ms of cleanup after the cancel)")
	})
}

// A fast replica 0 is not hedged: one call.
func TestNoHedgeWhenTheFirstIsFast(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		defer settle()
		b := newReplicas(map[int]time.Duration{0: 5 * time.Millisecond, 1: time.Millisecond})
		got, err := Hedged(t.Context(), 10*time.Millisecond, b.get)
		assert.NoError(t, err)
		assert.Equal(t, "from replica 0", got)
		assert.Equal(t, 5*time.Millisecond, time.Since(b.start))
		synctest.Wait()
		b.mu.Lock()
		defer b.mu.Unlock()
		assert.Equal(t, 1, b.calls, "no hedge is sent when the first answer comes in time")
	})
}

// The caller gives up at 50ms with both calls in flight: Hedged returns its
// error once both have heard the cancel and cleaned up.
func TestTheCallerGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		defer settle()
		b := newReplicas(map[int]time.Duration{0: time.Hour, 1: time.Hour})
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := Hedged(ctx, 10*time.Millisecond, b.get)
		took := time.Since(b.start)
		synctest.Wait()
		assert.True(t, errors.Is(err, context.DeadlineExceeded), "the caller's deadline: got %v", err)
		b.mu.Lock()
		defer b.mu.Unlock()
		assert.Len(t, b.cancelled, 2, "the loser must be cancelled: both calls, when the caller gives up")
		assert.Equal(t, 51*time.Millisecond, took, "Hedged must wait for the call it cancelled to return")
	})
}
