package main

import (
	"os"

	"github.com/gocourse/concurrency/internal/lesson"
)

// This program takes no flags; -h says what it is and how to run it, and any
// argument is refused, as in every program of the course.
func init() {
	lesson.NewFlags("03-deadlock/unbuffered", "Deadlocks on purpose: main sends on an unbuffered channel nobody receives from.").MustParse(os.Args[1:])
}
