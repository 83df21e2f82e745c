package executor

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzExecutor drives an executor with a random sequence of submits,
// priorities, panics, cancels and shutdowns, then checks the bookkeeping:
// every Future is final, each says truthfully what happened to its task,
// and the metrics add up. go test runs the seeds below; explore more with
//
//	go test -run '^$' -fuzz FuzzExecutor -fuzztime 30s ./05-threadpool/executor
func FuzzExecutor(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0, 0, 1, 2, 3, 4, 0, 0})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0})
	f.Add([]byte{2, 1, 1, 0, 3, 3, 2, 0, 0, 0, 6, 0})
	f.Add([]byte{3, 3, 7, 1, 1, 1, 1, 3, 3, 3, 0, 5, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) < 3 || len(ops) > 300 {
			return
		}
		e := New(Config{
			Policy:    Policy(ops[0] % 4),
			Workers:   int(ops[1]%4) + 1,
			QueueSize: int(ops[2]%8) + 1,
		})
		type sub struct {
			f         *Future[int]
			want      int
			panics    bool
			cancelled bool
		}
		var subs []*sub
		var rejected, shutNow int
		for i, op := range ops[3:] {
			switch op % 7 {
			case 0, 1, 2: // submit; op%7 == 1 with a priority, 2 panics
				s := &sub{want: i, panics: op%7 == 2}
				fut, err := SubmitPriority(e, int(op/7)%3, func(context.Context) (int, error) {
					if s.panics {
						panic("fuzz")
					}
					return s.want, nil
				})
				if err != nil {
					require.True(t, errors.Is(err, ErrQueueFull) || errors.Is(err, ErrShutdown), "%v", err)
					rejected++
					continue
				}
				s.f = fut
				subs = append(subs, s)
			case 3: // cancel an earlier task
				if len(subs) > 0 {
					s := subs[int(op)%len(subs)]
					if s.f.Cancel() {
						s.cancelled = true
					}
				}
			case 4: // shut down without waiting for it
				ctx, cancel := context.WithCancel(t.Context())
				cancel()
				_ = e.Shutdown(ctx)
			case 5:
				shutNow += len(e.ShutdownNow())
			case 6: // look at the metrics mid-run
				m := e.Metrics()
				require.LessOrEqual(t, m.Queued, int(ops[2]%8)+1)
			}
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		require.NoError(t, e.Shutdown(ctx))

		var done, panicked, discarded, stopped int
		for _, s := range subs {
			v, err := s.f.Wait(t.Context())
			switch s.f.State() {
			case Completed:
				done++
				require.False(t, s.cancelled, "a cancelled task ran")
				if s.panics {
					var pe *PanicError
					require.ErrorAs(t, err, &pe)
					panicked++
				} else {
					require.NoError(t, err)
					require.Equal(t, s.want, v)
				}
			case Cancelled:
				switch {
				case s.cancelled:
					require.ErrorIs(t, err, ErrCancelled)
				case errors.Is(err, ErrDiscarded):
					discarded++
				case errors.Is(err, ErrShutdown):
					stopped++
				default:
					t.Fatalf("cancelled with %v", err)
				}
			default:
				t.Fatalf("future not final after Shutdown: %v", s.f.State())
			}
		}
		m := e.Metrics()
		assert.Equal(t, int64(len(subs)), m.Submitted)
		assert.Equal(t, int64(done), m.Completed)
		assert.Equal(t, int64(panicked), m.Panicked)
		assert.Equal(t, int64(discarded), m.Discarded)
		assert.Equal(t, int64(rejected), m.Rejected)
		assert.Equal(t, shutNow, stopped, "ShutdownNow returned exactly the tasks that report ErrShutdown")
		assert.Zero(t, m.Active)
		assert.Zero(t, m.Queued)
	})
}
