package main

import (
	"os"

	"github.com/gocourse/concurrency/internal/lesson"
)

// This program takes no flags; -h says what it is and how to run it, and any
// argument is refused, as in every program of the course.
func init() {
	lesson.NewFlags("02-critical-section/reentrant", "Deadlocks on purpose: a method holding a sync.Mutex calls another that locks it again.").MustParse(os.Args[1:])
}
