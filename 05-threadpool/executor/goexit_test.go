package executor

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

const fatalChildEnv = "EXECUTOR_FATAL_CHILD"

// TestFatalInAPooledTaskChild is the child half of the test below: it only
// runs when the parent re-runs this test binary with fatalChildEnv set (the
// os/exec tests' trick for a second process). It calls t.Fatal from inside
// a pooled task, which is a mistake (FailNow belongs to the test's own
// goroutine) that real tests make. t.Fatal marks the test failed and calls
// runtime.Goexit, which ends the worker goroutine.
func TestFatalInAPooledTaskChild(t *testing.T) {
	if os.Getenv(fatalChildEnv) == "" {
		t.Skip("child half of TestFatalInAPooledTaskDoesNotHang")
	}
	e := New(Config{Workers: 1})
	f, err := Submit(e, func(context.Context) (int, error) {
		t.Fatal("t.Fatal called inside a pooled task")
		return 1, nil
	})
	require.NoError(t, err)
	_, err = f.Wait(t.Context())
	t.Logf("the future reports: %v", err)
	next, err := Submit(e, func(ctx context.Context) (int, error) { return WorkerID(ctx), nil })
	require.NoError(t, err)
	id, err := next.Wait(t.Context())
	t.Logf("the next task ran on worker %d, err=%v", id, err)
	require.NoError(t, e.Shutdown(t.Context()))
	t.Log("shutdown returned")
}

func TestFatalInAPooledTaskDoesNotHang(t *testing.T) {
	if os.Getenv(fatalChildEnv) != "" {
		t.Skip("this is the child")
	}
	res, err := harness.Exec(t.Context(), os.Args[0], harness.Options{
		Args:    []string{"-test.run=^TestFatalInAPooledTaskChild$", "-test.v"},
		Env:     []string{fatalChildEnv + "=1"},
		Timeout: 30 * time.Second,
	})
	require.NoError(t, err)
	out := res.Output()
	assert.False(t, res.TimedOut, "the pool hung:\n%s", res)
	assert.Equal(t, 1, res.ExitCode, "the child test fails, as it should:\n%s", res)
	assert.Contains(t, out, "t.Fatal called inside a pooled task")
	assert.Contains(t, out, "the future reports: "+ErrGoexit.Error())
	assert.Contains(t, out, "the next task ran on worker 1, err=<nil>")
	assert.Contains(t, out, "shutdown returned")
	assert.Contains(t, out, "--- FAIL: TestFatalInAPooledTaskChild")
}
