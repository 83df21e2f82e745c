//go:build unix

package main

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func squares(xs []int64) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = x * x
	}
	return out
}

func TestPoolMapKeepsOrder(t *testing.T) {
	tests := []struct {
		name            string
		workers, chunk  int
		n               int
		maxSpawnedRatio int
	}{
		{"one worker, chunks of 1", 1, 1, 5, 1},
		{"three workers, chunks of 4", 3, 4, 50, 3},
		{"chunk larger than input", 2, 100, 7, 2},
		{"empty input", 2, 3, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := newPool("square", PoolOptions{Workers: tt.workers, ChunkSize: tt.chunk})
			require.NoError(t, err)
			defer p.Close()
			in := upTo(tt.n)
			out, err := p.Map(t.Context(), in)
			require.NoError(t, err)
			assert.Equal(t, squares(in), out)
			assert.LessOrEqual(t, p.Spawned(), tt.workers, "no worker was replaced")
		})
	}
}

func TestPoolMaxTasksPerChild(t *testing.T) {
	tests := []struct{ max, chunks, wantWorkers int }{
		{0, 6, 1}, // no limit: one worker does everything
		{1, 6, 6},
		{2, 6, 3},
		{4, 6, 2},
	}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			p, err := newPool("pid", PoolOptions{Workers: 1, MaxTasksPerChild: tt.max})
			require.NoError(t, err)
			defer p.Close()
			pids, err := p.Map(t.Context(), upTo(tt.chunks))
			require.NoError(t, err)
			assert.Equal(t, tt.wantWorkers, distinct(pids), "pids %v", pids)
			assert.Equal(t, tt.wantWorkers, p.Spawned())
		})
	}
}

func TestPoolWorkerDies(t *testing.T) {
	// killOn returns a hook that SIGKILLs the worker as it is handed the
	// chunk holding x, on the first `times` attempts. The hook runs before
	// the chunk is written, so the worker cannot answer it first: the kill
	// is certain, whatever the scheduling.
	killOn := func(x int64, times int) func(pid, attempt int, inputs []int64) {
		return func(pid, attempt int, inputs []int64) {
			if attempt <= times && slices.Contains(inputs, x) {
				unix.Kill(pid, unix.SIGKILL)
			}
		}
	}
	tests := []struct {
		name     string
		retries  int
		hook     func(pid, attempt int, inputs []int64)
		input    []int64
		how      string // "" means Map succeeds
		attempts int
		said     string
	}{
		{name: "poison input", input: []int64{1, 2, 13, 4}, how: "exit status 3", attempts: 1, said: "pool-worker: 13 is poison, exiting"},
		{name: "poison input, retried", retries: 2, input: []int64{13, 1}, how: "exit status 3", attempts: 3, said: "pool-worker: 13 is poison, exiting"},
		{name: "SIGKILL mid-task", hook: killOn(3, 1), input: []int64{1, 2, 3, 4}, how: "signal: killed", attempts: 1},
		{name: "SIGKILL mid-task, retried", retries: 1, hook: killOn(3, 1), input: []int64{1, 2, 3, 4}},
		{name: "SIGKILL twice, one retry", retries: 1, hook: killOn(3, 2), input: []int64{3}, how: "signal: killed", attempts: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := newPool("fragile", PoolOptions{Workers: 2, Retries: tt.retries, onDispatch: tt.hook})
			require.NoError(t, err)
			defer p.Close()
			out, err := p.Map(t.Context(), tt.input)
			if tt.how == "" {
				require.NoError(t, err)
				assert.Equal(t, squares(tt.input), out)
			} else {
				var we *WorkerError
				require.ErrorAs(t, err, &we)
				assert.Equal(t, tt.how, we.How)
				assert.Equal(t, tt.attempts, we.Attempts)
				assert.Equal(t, tt.said, we.Said)
				for i, x := range tt.input {
					if !slices.Contains(we.Inputs, x) {
						assert.Equal(t, x*x, out[i], "the other inputs were done")
					}
				}
			}
			// The pool carries on with fresh workers.
			before := p.Spawned()
			out, err = p.Map(t.Context(), []int64{5, 6, 7})
			require.NoError(t, err)
			assert.Equal(t, []int64{25, 36, 49}, out)
			assert.GreaterOrEqual(t, p.Spawned(), before)
		})
	}
}

func TestPoolTaskError(t *testing.T) {
	p, err := newPool("fragile", PoolOptions{Workers: 1, ChunkSize: 2})
	require.NoError(t, err)
	defer p.Close()
	out, err := p.Map(t.Context(), []int64{1, 2, -3, 4, 5})
	var te *TaskError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "pool: input -3: negative input", te.Error())
	assert.Equal(t, []int64{1, 4, 0, 0, 25}, out, "the failed chunk is left zero")
	assert.Equal(t, 1, p.Spawned(), "an ordinary error does not cost the worker")
}

func TestPoolCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	p, err := newPool("square", PoolOptions{Workers: 2, onDispatch: func(int, int, []int64) { cancel() }})
	require.NoError(t, err)
	defer p.Close()
	_, err = p.Map(ctx, upTo(10))
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	require.NoError(t, p.Close())
	assert.Zero(t, live.Load(), "every worker, killed or idle, has been reaped")
}

func TestNewPoolRejects(t *testing.T) {
	tests := []struct {
		fn   string
		opts PoolOptions
	}{
		{"nosuch", PoolOptions{}},
		{"square", PoolOptions{Workers: -1}},
		{"square", PoolOptions{Retries: -1}},
	}
	for _, tt := range tests {
		_, err := newPool(tt.fn, tt.opts)
		assert.Error(t, err)
	}
}
