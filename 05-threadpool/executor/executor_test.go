package executor

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// start makes an executor that is shut down when the test ends, and then
// checked for leaked goroutines: every Shutdown must leave none behind.
// Inside a synctest bubble, synctest.Test itself fails on a leftover goroutine.
func start(t *testing.T, cfg Config) *Executor {
	t.Helper()
	before := goleak.IgnoreCurrent()
	e := New(cfg)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, e.Shutdown(ctx), "shutdown")
		goleak.VerifyNone(t, before)
	})
	return e
}

// gate is a task that holds its worker until the gate is opened, so a test
// can fill the queue behind it at its own pace.
type gate struct {
	started chan struct{}
	open    chan struct{}
	once    sync.Once
}

// release opens the gate; it may be called more than once, so a test can
// both defer it (for the failure paths) and call it where the story needs.
func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

// bounded is the test's context with a deadline: a Wait that would hang on
// a broken executor fails the test with a message after 10 s instead.
func bounded(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newGate() *gate { return &gate{started: make(chan struct{}), open: make(chan struct{})} }

func (g *gate) task(context.Context) (string, error) {
	close(g.started)
	<-g.open
	return "gate", nil
}

func value(v int) func(context.Context) (int, error) {
	return func(context.Context) (int, error) { return v, nil }
}

func TestSubmitGivesResultOrError(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		fn      func(context.Context) (int, error)
		want    int
		wantErr error
	}{
		{"value", value(42), 42, nil},
		{"error", func(context.Context) (int, error) { return 0, boom }, 0, boom},
		{"value and error", func(context.Context) (int, error) { return 7, boom }, 7, boom},
	}
	e := start(t, Config{Workers: 2})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Submit(e, tc.fn)
			require.NoError(t, err)
			got, err := f.Wait(t.Context())
			assert.Equal(t, tc.want, got)
			assert.ErrorIs(t, err, tc.wantErr)
			assert.Equal(t, Completed, f.State())
		})
	}
}

func panicky(context.Context) (int, error) { panic("task blew up") }

func TestPanicBecomesAnErrorWithStackAndWorkerSurvives(t *testing.T) {
	e := start(t, Config{Workers: 1})
	f, err := Submit(e, panicky)
	require.NoError(t, err)
	_, err = f.Wait(t.Context())
	var pe *PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "task blew up", pe.Value)
	assert.Contains(t, string(pe.Stack), "executor.panicky", "the stack shows where it panicked")

	// panic(err) keeps err reachable for errors.Is.
	sentinel := errors.New("sentinel")
	f2, err := Submit(e, func(context.Context) (int, error) { panic(sentinel) })
	require.NoError(t, err)
	_, err = f2.Wait(t.Context())
	assert.ErrorIs(t, err, sentinel)

	// The single worker is still there and takes the next task.
	f3, err := Submit(e, func(ctx context.Context) (int, error) { return WorkerID(ctx), nil })
	require.NoError(t, err)
	id, err := f3.Wait(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, id)
	assert.Equal(t, int64(2), e.Metrics().Panicked)
}

// t.Fatal and t.SkipNow call runtime.Goexit. In a pooled task that ends the
// worker goroutine itself: no recover can stop it. The pool must neither
// hang the Future nor shrink.
func TestGoexitInATaskDoesNotHangThePool(t *testing.T) {
	e := start(t, Config{Workers: 1})
	f, err := Submit(e, func(context.Context) (int, error) {
		runtime.Goexit()
		return 1, nil
	})
	require.NoError(t, err)
	_, err = f.Wait(bounded(t))
	assert.ErrorIs(t, err, ErrGoexit)

	f2, err := Submit(e, func(ctx context.Context) (int, error) { return WorkerID(ctx), nil })
	require.NoError(t, err)
	id, err := f2.Wait(bounded(t))
	require.NoError(t, err)
	assert.Equal(t, 1, id, "the replacement worker keeps ID 1")
}

func TestWorkerIDsAreStable(t *testing.T) {
	const workers = 3
	e := start(t, Config{Workers: workers})
	var futures []*Future[int]
	for range 200 {
		f, err := Submit(e, func(ctx context.Context) (int, error) { return WorkerID(ctx), nil })
		require.NoError(t, err)
		futures = append(futures, f)
	}
	for _, f := range futures {
		id, err := f.Wait(t.Context())
		require.NoError(t, err)
		assert.True(t, id >= 1 && id <= workers, "worker ID %d", id)
	}
	assert.Equal(t, 0, WorkerID(t.Context()))
}

// full makes a one-worker executor whose worker is held by a gate and whose
// queue (size 2) is full, and returns the two queued futures.
func full(t *testing.T, p Policy) (*Executor, *gate, []*Future[int]) {
	e := start(t, Config{Workers: 1, QueueSize: 2, Policy: p})
	g := newGate()
	_, err := Submit(e, g.task)
	require.NoError(t, err)
	<-g.started
	var queued []*Future[int]
	for i := range 2 {
		f, err := Submit(e, value(i))
		require.NoError(t, err)
		queued = append(queued, f)
	}
	require.Equal(t, 2, e.Metrics().Queued)
	return e, g, queued
}

func TestFullQueuePolicies(t *testing.T) {
	t.Run("reject", func(t *testing.T) {
		e, g, queued := full(t, Reject)
		defer g.release()
		f, err := Submit(e, value(9))
		assert.Nil(t, f)
		assert.ErrorIs(t, err, ErrQueueFull)
		assert.Equal(t, int64(1), e.Metrics().Rejected)
		assert.Equal(t, Pending, queued[0].State(), "queued tasks are untouched")
	})
	t.Run("caller-runs", func(t *testing.T) {
		e, g, _ := full(t, CallerRuns)
		defer g.release()
		f, err := Submit(e, func(ctx context.Context) (int, error) { return WorkerID(ctx), nil })
		require.NoError(t, err)
		require.Equal(t, Completed, f.State(), "Submit returned only after running the task")
		id, err := f.Wait(bounded(t))
		require.NoError(t, err)
		assert.Equal(t, 0, id, "run by the caller, not a worker")
	})
	t.Run("discard-oldest", func(t *testing.T) {
		e, g, queued := full(t, DiscardOldest)
		defer g.release()
		f, err := Submit(e, value(9))
		require.NoError(t, err)
		require.Equal(t, Cancelled, queued[0].State(), "the oldest queued task was dropped to make room")
		_, err = queued[0].Wait(bounded(t))
		assert.ErrorIs(t, err, ErrDiscarded)
		assert.Equal(t, Cancelled, queued[0].State())
		assert.Equal(t, int64(1), e.Metrics().Discarded)
		g.release()
		v, err := f.Wait(bounded(t))
		require.NoError(t, err)
		assert.Equal(t, 9, v)
		v, err = queued[1].Wait(bounded(t))
		require.NoError(t, err)
		assert.Equal(t, 1, v)
	})
	t.Run("block", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			e, g, _ := full(t, Block)
			defer g.release()
			submitted := make(chan *Future[int])
			go func() {
				f, _ := Submit(e, value(9))
				submitted <- f
			}()
			synctest.Wait() // every goroutine is stuck: the submitter too
			select {
			case <-submitted:
				t.Fatal("Submit returned while the queue was full")
			default:
			}
			g.release() // the worker takes a task, which makes room
			v, err := (<-submitted).Wait(bounded(t))
			require.NoError(t, err)
			assert.Equal(t, 9, v)
		})
	})
}

func TestShutdownFinishesQueuedWorkThenRefuses(t *testing.T) {
	e := New(Config{Workers: 2, QueueSize: 100})
	var futures []*Future[int]
	for i := range 100 {
		f, err := Submit(e, value(i))
		require.NoError(t, err)
		futures = append(futures, f)
	}
	require.NoError(t, e.Shutdown(t.Context()))
	for i, f := range futures {
		require.Equal(t, Completed, f.State(), "task %d finished before Shutdown returned", i)
		v, err := f.Wait(t.Context())
		require.NoError(t, err)
		assert.Equal(t, i, v)
	}
	f, err := Submit(e, value(1))
	assert.Nil(t, f)
	assert.ErrorIs(t, err, ErrShutdown)
	assert.NoError(t, e.Shutdown(t.Context()), "a second Shutdown is fine")
	goleak.VerifyNone(t)
}

func TestShutdownGivesUpWhenItsContextEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := New(Config{Workers: 1})
		g := newGate()
		f, err := Submit(e, g.task)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		assert.ErrorIs(t, e.Shutdown(ctx), context.DeadlineExceeded)
		assert.Equal(t, Running, f.State(), "the running task was left alone")
		close(g.open)
		assert.NoError(t, e.Shutdown(t.Context()))
	})
}

func TestShutdownNowReturnsTasksThatNeverStarted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := New(Config{Workers: 1})
		running, err := Submit(e, func(ctx context.Context) (error, error) {
			<-ctx.Done()
			return context.Cause(ctx), ctx.Err()
		})
		require.NoError(t, err)
		synctest.Wait() // the worker has taken it
		var queued []*Future[int]
		for i := range 3 {
			f, err := SubmitPriority(e, i, value(i))
			require.NoError(t, err)
			queued = append(queued, f)
		}
		never := e.ShutdownNow()
		assert.Equal(t, []Task{{ID: 4, Priority: 2}, {ID: 3, Priority: 1}, {ID: 2, Priority: 0}}, never)
		assert.Equal(t, []uint64{2, 3, 4}, []uint64{queued[0].ID(), queued[1].ID(), queued[2].ID()}, "Task.ID is Future.ID")
		for _, f := range queued {
			_, err := f.Wait(t.Context())
			assert.ErrorIs(t, err, ErrShutdown)
			assert.Equal(t, Cancelled, f.State())
		}
		cause, err := running.Wait(t.Context())
		assert.ErrorIs(t, err, context.Canceled, "the running task saw its context cancelled")
		assert.ErrorIs(t, cause, ErrShutdown, "and context.Cause says why")
		assert.NoError(t, e.Shutdown(t.Context()))
		_, err = Submit(e, value(1))
		assert.ErrorIs(t, err, ErrShutdown)
	})
}

// Submit racing Shutdown must end in one of two ways: ErrShutdown, or a
// Future that completes. Never a panic (no send on a closed channel), never
// a Future left hanging, never a goroutine left behind. And once Shutdown
// has returned, every Future handed out so far is final, even with a
// ShutdownNow running at the same time. Run under -race.
func TestSubmitRacingShutdown(t *testing.T) {
	rounds := 2000
	if testing.Short() {
		rounds = 200
	}
	for round := range rounds {
		policy := Policy(round % 4)
		now := round%2 == 1
		e := New(Config{Workers: 2, QueueSize: 2, Policy: policy})
		var wg sync.WaitGroup
		var mu sync.Mutex
		var handedOut []*Future[int]
		results := make(chan error, 3*4)
		underway := make(chan struct{}, 3)
		for range 3 {
			wg.Go(func() {
				var mine []*Future[int]
				for i := range 4 {
					if i == 2 {
						underway <- struct{}{} // two submitted (or refused), two to go
					}
					f, err := Submit(e, func(context.Context) (int, error) {
						runtime.Gosched() // let the queue fill, so shutdowns find work in it
						return i, nil
					})
					if err != nil {
						results <- err
						continue
					}
					mu.Lock()
					handedOut = append(handedOut, f)
					mu.Unlock()
					mine = append(mine, f)
				}
				for _, f := range mine {
					_, err := f.Wait(t.Context()) // must not hang
					results <- err
				}
			})
		}
		// Shut down while the submitters are mid-way, with work queued.
		<-underway
		if now {
			wg.Go(func() { e.ShutdownNow() })
		}
		require.NoError(t, e.Shutdown(t.Context()))
		mu.Lock()
		for _, f := range handedOut {
			if s := f.State(); s != Completed && s != Cancelled {
				t.Fatalf("round %d (%v, now=%t): a Future is %v after Shutdown returned", round, policy, now, s)
			}
		}
		mu.Unlock()
		wg.Wait()
		close(results)
		for err := range results {
			if err != nil && !errors.Is(err, ErrShutdown) && !errors.Is(err, ErrQueueFull) && !errors.Is(err, ErrDiscarded) {
				t.Fatalf("round %d (%v, now=%t): unexpected error %v", round, policy, now, err)
			}
		}
	}
	goleak.VerifyNone(t)
}

func TestPriorityDecidesWhatStartsNext(t *testing.T) {
	e := start(t, Config{Workers: 1})
	g := newGate()
	_, err := Submit(e, g.task)
	require.NoError(t, err)
	<-g.started
	var mu sync.Mutex
	var order []string
	var futures []*Future[string]
	for i, p := range []int{1, 5, 3, 5, 0} {
		name := fmt.Sprintf("p%d#%d", p, i)
		f, err := SubmitPriority(e, p, func(context.Context) (string, error) {
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			return name, nil
		})
		require.NoError(t, err)
		futures = append(futures, f)
	}
	close(g.open)
	for _, f := range futures {
		_, err := f.Wait(t.Context())
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"p5#1", "p5#3", "p3#2", "p1#0", "p0#4"}, order)
}

func TestCancelOnlyStopsTasksThatHaveNotStarted(t *testing.T) {
	e := start(t, Config{Workers: 1})
	g := newGate()
	running, err := Submit(e, g.task)
	require.NoError(t, err)
	<-g.started
	ran := false
	queued, err := Submit(e, func(context.Context) (int, error) { ran = true; return 1, nil })
	require.NoError(t, err)

	assert.False(t, running.Cancel(), "a running task cannot be cancelled")
	assert.True(t, queued.Cancel())
	assert.False(t, queued.Cancel(), "only once")
	close(g.open)
	_, err = queued.Wait(t.Context())
	assert.ErrorIs(t, err, ErrCancelled)
	v, err := running.Wait(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "gate", v)
	require.NoError(t, e.Shutdown(t.Context()))
	assert.False(t, ran, "the worker skipped the cancelled task")
}

func TestWaitGivesUpWithItsContextButTheTaskGoesOn(t *testing.T) {
	e := start(t, Config{Workers: 1})
	g := newGate()
	f, err := Submit(e, g.task)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = f.Wait(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	close(g.open)
	v, err := f.Wait(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "gate", v)
}

func TestMapKeepsInputOrderAsCompletedDoesNot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := New(Config{Workers: 4})
		defer func() { require.NoError(t, e.Shutdown(t.Context())) }()
		// The first input takes longest, so tasks finish in reverse order.
		delays := []int{4, 3, 2, 1}
		sleep := func(_ context.Context, d int) (int, error) {
			time.Sleep(time.Duration(d) * time.Second)
			return d, nil
		}
		got, err := Map(t.Context(), e, delays, sleep)
		require.NoError(t, err)
		assert.Equal(t, []int{4, 3, 2, 1}, got, "Map: input order")

		var futures []*Future[int]
		for _, d := range delays {
			f, err := Submit(e, func(ctx context.Context) (int, error) { return sleep(ctx, d) })
			require.NoError(t, err)
			futures = append(futures, f)
		}
		var finished []int
		for i, f := range AsCompleted(t.Context(), futures) {
			v, err := f.Wait(t.Context())
			require.NoError(t, err)
			assert.Equal(t, delays[i], v)
			finished = append(finished, v)
		}
		assert.Equal(t, []int{1, 2, 3, 4}, finished, "AsCompleted: finishing order")

		// Futures that were already final are yielded too, at once.
		n := 0
		for range AsCompleted(t.Context(), futures) {
			n++
		}
		assert.Equal(t, len(futures), n)
	})
}

func TestMapStopsAtTheFirstErrorInInputOrder(t *testing.T) {
	e := start(t, Config{Workers: 2})
	bad := errors.New("bad input")
	got, err := Map(t.Context(), e, []int{1, 2, -3, 4, -5}, func(_ context.Context, n int) (int, error) {
		if n < 0 {
			return 0, fmt.Errorf("%d: %w", n, bad)
		}
		return n * n, nil
	})
	assert.Nil(t, got)
	assert.ErrorIs(t, err, bad)
	assert.ErrorContains(t, err, "input 2: -3")
}

func TestAsCompletedStopsWhenItsContextEnds(t *testing.T) {
	e := start(t, Config{Workers: 1})
	g := newGate()
	f, err := Submit(e, g.task)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	n := 0
	for range AsCompleted(ctx, []*Future[string]{f}) {
		n++
	}
	assert.Zero(t, n)
	close(g.open)
}

func TestMetricsCountWhatHappened(t *testing.T) {
	e := start(t, Config{Workers: 1, QueueSize: 1, Policy: Reject})
	g := newGate()
	_, err := Submit(e, g.task)
	require.NoError(t, err)
	<-g.started
	p, err := Submit(e, panicky)
	require.NoError(t, err)
	_, err = Submit(e, value(1))
	require.ErrorIs(t, err, ErrQueueFull)
	m := e.Metrics()
	assert.Equal(t, Metrics{Workers: 1, Active: 1, Queued: 1, Submitted: 2, Rejected: 1}, m)
	close(g.open)
	_, err = p.Wait(t.Context())
	require.Error(t, err)
	require.NoError(t, e.Shutdown(t.Context()))
	assert.Equal(t, Metrics{Workers: 1, Submitted: 2, Completed: 2, Rejected: 1, Panicked: 1}, e.Metrics())
}

func TestNewPanicsOnNegativeSizes(t *testing.T) {
	assert.Panics(t, func() { New(Config{Workers: -1}) })
	assert.Panics(t, func() { New(Config{QueueSize: -1}) })
}

func TestPolicyAndStateNames(t *testing.T) {
	var got []string
	for _, p := range []Policy{Block, Reject, CallerRuns, DiscardOldest, 9} {
		got = append(got, p.String())
	}
	for _, s := range []State{Pending, Running, Completed, Cancelled, 9} {
		got = append(got, s.String())
	}
	assert.True(t, slices.Equal(got, []string{"block", "reject", "caller-runs", "discard-oldest", "Policy(9)",
		"pending", "running", "completed", "cancelled", "State(9)"}), "%q", got)
}

// "No need to recreate a thread": a hundred tasks on three workers run on
// the same three goroutines; the goroutine count never grows with the tasks.
func TestWorkersAreReusedNotRecreated(t *testing.T) {
	before := runtime.NumGoroutine()
	e := start(t, Config{Workers: 3})
	var futures []*Future[int]
	for range 100 {
		f, err := Submit(e, func(context.Context) (int, error) { return runtime.NumGoroutine(), nil })
		require.NoError(t, err)
		futures = append(futures, f)
	}
	for _, f := range futures {
		n, err := f.Wait(t.Context())
		require.NoError(t, err)
		assert.LessOrEqual(t, n, before+3, "only the three workers were added")
	}
}

// Done is for select: open while the task runs, closed once the result is
// final, whether asked for before or after the task finished.
func TestDoneChannelClosesWhenTheResultIsFinal(t *testing.T) {
	e := start(t, Config{Workers: 1})
	g := newGate()
	f, err := Submit(e, g.task)
	require.NoError(t, err)
	done := f.Done()
	select {
	case <-done:
		t.Fatal("Done closed while the task was still running")
	default:
	}
	assert.Equal(t, done, f.Done(), "the same channel every time")
	close(g.open)
	<-done
	assert.Equal(t, Completed, f.State())

	quick, err := Submit(e, value(1))
	require.NoError(t, err)
	_, err = quick.Wait(t.Context()) // final before anyone asked for Done
	require.NoError(t, err)
	select {
	case <-quick.Done():
	default:
		t.Fatal("Done of a finished task must be closed")
	}
}
