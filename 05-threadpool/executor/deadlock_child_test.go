package executor

import (
	"context"
	"os"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

const deadlockChildEnv = "EXECUTOR_DEADLOCK_CHILD"

// TestNestedSubmitSynctestChild is the nested-submit deadlock with nothing
// to break it: parents wait for their children with context.Background().
// synctest notices that every goroutine in the bubble is blocked and fails
// the test at once, with no timeout. That failure is the point, so it runs
// only as a child of the test below.
func TestNestedSubmitSynctestChild(t *testing.T) {
	if os.Getenv(deadlockChildEnv) == "" {
		t.Skip("child half of TestSynctestReportsTheNestedSubmitDeadlock")
	}
	synctest.Test(t, func(t *testing.T) {
		e := New(Config{Workers: 2})
		var parents []*Future[int]
		var running sync.WaitGroup // both parents hold a worker before any child is queued
		running.Add(2)
		for p := range 2 {
			f, err := Submit(e, func(ctx context.Context) (int, error) {
				running.Done()
				running.Wait()
				child, err := Submit(e, value(p))
				if err != nil {
					return 0, err
				}
				return child.Wait(t.Context())
			})
			require.NoError(t, err)
			parents = append(parents, f)
		}
		for _, f := range parents {
			_, _ = f.Wait(t.Context()) // never returns
		}
		t.Log("unreachable: the parents returned")
	})
}

func TestSynctestReportsTheNestedSubmitDeadlock(t *testing.T) {
	if os.Getenv(deadlockChildEnv) != "" {
		t.Skip("this is the child")
	}
	res, err := harness.Exec(t.Context(), os.Args[0], harness.Options{
		Args:    []string{"-test.run=^TestNestedSubmitSynctestChild$"},
		Env:     []string{deadlockChildEnv + "=1"},
		Timeout: 30 * time.Second,
	})
	require.NoError(t, err)
	assert.False(t, res.TimedOut, "synctest should report the deadlock, not hang:\n%s", res)
	assert.NotEqual(t, 0, res.ExitCode, res.String())
	out := res.Output()
	assert.Contains(t, out, "panic: deadlock: all goroutines in bubble are blocked", res.String())
	assert.Contains(t, out, "--- FAIL: TestNestedSubmitSynctestChild")
	// The dump shows every worker parked on a Future, durably.
	assert.Contains(t, out, "[select (durable), synctest bubble")
	assert.Contains(t, out, "executor.(*Future[...]).Wait")
	assert.NotContains(t, res.Output(), "unreachable")
}
