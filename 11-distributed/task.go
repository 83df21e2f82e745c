package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// A Task is one unit of work on the wire: a small JSON object, so that a
// worker written in another language could take it too.
//
//	{"id":7,"op":"sleep","ms":30}
type Task struct {
	ID int    `json:"id"`
	Op string `json:"op"`
	// N is the argument of square; Ms the length of sleep and spin.
	N  int `json:"n,omitempty"`
	Ms int `json:"ms,omitempty"`
}

// The operations a worker knows.
const (
	OpSquare = "square" // N*N at once: the tiny task
	OpSleep  = "sleep"  // wait Ms milliseconds: a task that waits on I/O
	OpSpin   = "spin"   // burn Ms milliseconds of CPU: the CPU-bound task
	OpFlaky  = "flaky"  // fails on its first delivery, succeeds after
	OpPoison = "poison" // fails on every delivery
)

// errMalformed marks a payload no delivery can ever make sense of: retrying
// it is pointless, so the worker terminates it at once.
var errMalformed = errors.New("malformed task")

// parseTask reads a payload. Anything but a known op with sane arguments is
// errMalformed.
func parseTask(data []byte) (Task, error) {
	var t Task
	if err := json.Unmarshal(data, &t); err != nil {
		return t, fmt.Errorf("%w: %v", errMalformed, err)
	}
	switch t.Op {
	case OpSquare, OpFlaky, OpPoison:
	case OpSleep, OpSpin:
		if t.Ms < 0 || t.Ms > 60_000 {
			return t, fmt.Errorf("%w: ms %d out of range", errMalformed, t.Ms)
		}
	default:
		return t, fmt.Errorf("%w: unknown op %q", errMalformed, t.Op)
	}
	if t.ID <= 0 {
		return t, fmt.Errorf("%w: id must be positive, got %d", errMalformed, t.ID)
	}
	return t, nil
}

func (t Task) encode() []byte {
	b, _ := json.Marshal(t) // a struct of ints and strings always marshals
	return b
}

// do runs the task. delivered is 1 on the first delivery; flaky tasks use it.
func (t Task) do(delivered uint64) (int, error) {
	switch t.Op {
	case OpSquare:
		return t.N * t.N, nil
	case OpSleep:
		time.Sleep(time.Duration(t.Ms) * time.Millisecond)
		return t.Ms, nil
	case OpSpin:
		return spin(time.Duration(t.Ms) * time.Millisecond), nil
	case OpFlaky:
		if delivered == 1 {
			return 0, errors.New("flaky: failed on the first try")
		}
		return 1, nil
	case OpPoison:
		return 0, errors.New("poison: fails every time")
	}
	return 0, fmt.Errorf("%w: unknown op %q", errMalformed, t.Op)
}

// spin keeps one CPU busy for d and returns how many loops it ran, so the
// compiler cannot drop the loop.
func spin(d time.Duration) int {
	n := 0
	for start := time.Now(); time.Since(start) < d; {
		for range 1000 {
			n++
		}
	}
	return n
}
