package main

import (
	"os"

	"github.com/gocourse/concurrency/internal/lesson"
)

// This program takes no flags; -h says what it is and how to run it, and any
// argument is refused, as in every program of the course.
func init() {
	lesson.NewFlags("03-deadlock/leakprofile", "Leaks goroutines on purpose and asks the goroutine leak profile to find them (GOEXPERIMENT=goroutineleakprofile).").MustParse(os.Args[1:])
}
