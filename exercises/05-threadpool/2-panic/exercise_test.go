//go:build coach

package panics

// Rejects:
//   - closefirst: closes done before the recovered error is stored
//   - plainerror: a plain error instead of a *PanicError with the value
//   - workerrecover: recovers around the worker's loop, so the worker is lost

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errExploded = errors.New("task exploded on purpose")

// One worker, so the task after the panicking one can only run if that
// worker survived. Each case runs in a synctest bubble: if the worker is
// gone, Wait on the next Future blocks forever and the bubble reports the
// deadlock at once instead of hanging.
func TestAPanicBecomesAnError(t *testing.T) {
	tests := []struct {
		name  string
		task  func() (int, error)
		check func(t *testing.T, value any) // what the PanicError holds
	}{
		{
			name: "panic with an error",
			task: func() (int, error) { panic(errExploded) },
			check: func(t *testing.T, value any) {
				assert.Equal(t, errExploded, value)
			},
		},
		{
			name: "panic with a string",
			task: func() (int, error) { panic("task exploded on purpose, with a string") },
			check: func(t *testing.T, value any) {
				assert.Equal(t, "task exploded on purpose, with a string", value)
			},
		},
		{
			name: "index out of range",
			task: func() (int, error) {
				var empty []int
				return empty[len(empty)], nil // the runtime panics: index out of range
			},
			check: func(t *testing.T, value any) {
				var rerr runtime.Error
				assert.ErrorAs(t, value.(error), &rerr, "the runtime's own panic value")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := NewPool(1)
				defer p.Close()

				bad := Submit(p, tt.task)
				next := Submit(p, func() (int, error) { return 42, nil })

				v, err := bad.Wait()
				var pe *PanicError
				require.ErrorAs(t, err, &pe, "a task that panics must give a *PanicError")
				tt.check(t, pe.Value)
				assert.Zero(t, v, "a task that panicked has no result")

				v, err = next.Wait()
				assert.NoError(t, err, "the worker must go on with the next task")
				assert.Equal(t, 42, v, "the worker must go on with the next task")
			})
		})
	}
}

// errors.Is sees through a panic(err), thanks to PanicError.Unwrap.
func TestErrorsIsSeesThePanicValue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPool(1)
		defer p.Close()
		_, err := Submit(p, func() (string, error) { panic(errExploded) }).Wait()
		assert.ErrorIs(t, err, errExploded)
	})
}

// Many tasks on two workers, every third one panicking: every Future gets
// its own result or its own PanicError, and nothing is lost.
func TestEveryFutureCompletes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPool(2)
		defer p.Close()

		futures := make([]*Future[int], 30)
		for i := range futures {
			futures[i] = Submit(p, func() (int, error) {
				if i%3 == 0 {
					panic(fmt.Sprintf("task %d exploded on purpose", i))
				}
				return i * 10, nil
			})
		}
		for i, f := range futures {
			v, err := f.Wait()
			if i%3 == 0 {
				var pe *PanicError
				if assert.ErrorAs(t, err, &pe, "task %d", i) {
					assert.Equal(t, fmt.Sprintf("task %d exploded on purpose", i), pe.Value)
				}
				continue
			}
			assert.NoError(t, err, "task %d", i)
			assert.Equal(t, i*10, v, "task %d", i)
		}
	})
}

// A task that returns normally keeps its result and its error.
func TestReturnsAreUnchanged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPool(1)
		defer p.Close()
		v, err := Submit(p, func() (int, error) { return 7, nil }).Wait()
		assert.NoError(t, err)
		assert.Equal(t, 7, v)
		_, err = Submit(p, func() (int, error) { return 0, errExploded }).Wait()
		assert.Equal(t, errExploded, err, "a returned error is not a panic")
	})
}
