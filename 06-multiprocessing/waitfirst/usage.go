package main

import (
	"os"

	"github.com/gocourse/concurrency/internal/lesson"
)

// This program takes no flags; -h says what it is and how to run it, and any
// argument is refused, as in every program of the course.
func init() {
	lesson.NewFlags("06-multiprocessing/waitfirst", "Broken on purpose, hangs forever: calls Wait before reading the child's 1 MiB of output.").MustParse(os.Args[1:])
}
