//go:build coach

package task

// Rejects:
//   - inline: Start runs the function itself, not in a new goroutine
//   - nowait: Join returns without waiting for the function
//   - plainflag: a plain bool guards "once", racing when Start is called at once

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestJoinReturnsTheResult(t *testing.T) {
	tests := []struct {
		name    string
		fn      func() (int, error)
		want    int
		wantErr error
	}{
		{"a value", func() (int, error) { return 42, nil }, 42, nil},
		{"an error", func() (int, error) { return 0, errBoom }, 0, errBoom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := NewTask(tt.fn)
			task.Start()
			got, err := task.Join()
			assert.Equal(t, tt.want, got, "Join must return what the function returned")
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

var errBoom = errors.New("boom")

func TestJoinBeforeStart(t *testing.T) {
	_, err := NewTask(func() (int, error) { return 1, nil }).Join()
	assert.ErrorIs(t, err, ErrNotStarted, "Join before Start must return ErrNotStarted")
}

func TestStartRunsOnce(t *testing.T) {
	calls := make(chan struct{}, 10)
	task := NewTask(func() (string, error) { calls <- struct{}{}; return "ran", nil })
	for range 5 {
		task.Start()
	}
	got, err := task.Join()
	require.NoError(t, err)
	assert.Equal(t, "ran", got)
	assert.Len(t, calls, 1, "the function must run exactly once")
}

// Join really waits: the function cannot finish until the test says so.
func TestJoinWaits(t *testing.T) {
	release := make(chan struct{})
	task := NewTask(func() (string, error) { <-release; return "late", nil })
	started := make(chan struct{})
	go func() { task.Start(); close(started) }()
	select {
	case <-started:
	case <-time.After(3 * time.Second):
		close(release)
		<-started
		t.Fatal("Start did not return within 3s while the function was still running: Start must run it in a new goroutine")
	}
	joined := make(chan string)
	go func() { v, _ := task.Join(); joined <- v }()
	select {
	case v := <-joined:
		t.Fatalf("Join returned %q before the function finished", v)
	default:
	}
	close(release)
	assert.Equal(t, "late", <-joined)
}

// Many goroutines call Start at the same time, and others Join: the function
// runs once, and every Join gets its result.
func TestStartFromManyGoroutines(t *testing.T) {
	for range 20 {
		calls := make(chan struct{}, 10)
		task := NewTask(func() (int, error) { calls <- struct{}{}; return 5, nil })
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for range 4 {
			wg.Go(func() { <-gate; task.Start() })
		}
		close(gate)
		wg.Wait()
		for range 3 {
			wg.Go(func() {
				got, err := task.Join()
				assert.NoError(t, err)
				assert.Equal(t, 5, got)
			})
		}
		wg.Wait()
		assert.Len(t, calls, 1, "the function must run exactly once, however many goroutines call Start")
	}
}
