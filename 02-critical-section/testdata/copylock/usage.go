package main

import (
	"os"

	"github.com/gocourse/concurrency/internal/lesson"
)

// This program takes no flags; -h says what it is and how to run it, and any
// argument is refused, as in every program of the course.
func init() {
	lesson.NewFlags("02-critical-section/testdata/copylock", "Broken on purpose: a value receiver copies the mutex, so nothing is excluded (go vet says so).").MustParse(os.Args[1:])
}
