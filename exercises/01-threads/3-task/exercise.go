//go:build coach

// Exercise 01.3: a thread with a result.
//
// Python's Thread and Java's Thread throw their target's return value away.
// Task keeps it: NewTask prepares a function, Start runs it in a goroutine,
// and Join waits for it and returns what it returned. Start may be called
// more than once, but runs the function only the first time.
//
// TODO: implement Start and Join. Chapter 05 grows this into a Future.
package task

import "errors"

// ErrNotStarted is returned by Join when Start was never called.
var ErrNotStarted = errors.New("task: join before start")

// Task runs one function in a goroutine and keeps its result.
type Task[T any] struct {
	fn func() (T, error)
}

// NewTask prepares fn; nothing runs until Start.
func NewTask[T any](fn func() (T, error)) *Task[T] {
	return &Task[T]{fn: fn}
}

// Start runs the function in a new goroutine, once.
func (t *Task[T]) Start() {
	// TODO
}

// Join waits for the function to return and returns its result and error,
// or ErrNotStarted at once if Start was never called.
func (t *Task[T]) Join() (T, error) {
	// TODO
	var zero T
	return zero, nil
}
