package main

import (
	"os"

	"github.com/gocourse/concurrency/internal/lesson"
)

// This program takes no flags; -h says what it is and how to run it, and any
// argument is refused, as in every program of the course.
func init() {
	lesson.NewFlags("05-threadpool/nested", "Deadlocks on purpose: parent tasks in a pool of two wait for children queued behind them.").MustParse(os.Args[1:])
}
