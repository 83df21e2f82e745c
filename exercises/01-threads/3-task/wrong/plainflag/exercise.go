//go:build coach

// Wrong: Start guards "once" with a plain bool, so two goroutines calling
// Start at the same time race on it and may both start the function.
package task

import "errors"

// ErrNotStarted is returned by Join when Start was never called.
var ErrNotStarted = errors.New("task: join before start")

// Task runs one function in a goroutine and keeps its result.
type Task[T any] struct {
	fn      func() (T, error)
	started bool
	done    chan struct{}
	val     T
	err     error
}

// NewTask prepares fn; nothing runs until Start.
func NewTask[T any](fn func() (T, error)) *Task[T] {
	return &Task[T]{fn: fn, done: make(chan struct{})}
}

// Start runs the function in a new goroutine, once.
func (t *Task[T]) Start() {
	if t.started {
		return
	}
	t.started = true
	go func() {
		defer close(t.done)
		t.val, t.err = t.fn()
	}()
}

// Join waits for the function to return and returns its result and error,
// or ErrNotStarted at once if Start was never called.
func (t *Task[T]) Join() (T, error) {
	if !t.started {
		var zero T
		return zero, ErrNotStarted
	}
	<-t.done
	return t.val, t.err
}
