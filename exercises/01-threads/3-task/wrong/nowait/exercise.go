//go:build coach

// Wrong: Join reads the result without waiting for the goroutine to store
// it, so it returns early, and the race detector sees the unordered read.
package task

import (
	"errors"
	"sync"
	"sync/atomic"
)

// ErrNotStarted is returned by Join when Start was never called.
var ErrNotStarted = errors.New("task: join before start")

// Task runs one function in a goroutine and keeps its result.
type Task[T any] struct {
	fn      func() (T, error)
	once    sync.Once
	started atomic.Bool
	val     T
	err     error
}

// NewTask prepares fn; nothing runs until Start.
func NewTask[T any](fn func() (T, error)) *Task[T] {
	return &Task[T]{fn: fn}
}

// Start runs the function in a new goroutine, once.
func (t *Task[T]) Start() {
	t.once.Do(func() {
		t.started.Store(true)
		go func() { t.val, t.err = t.fn() }()
	})
}

// Join returns the result.
func (t *Task[T]) Join() (T, error) {
	if !t.started.Load() {
		var zero T
		return zero, ErrNotStarted
	}
	return t.val, t.err
}
