package main

import (
	"os"

	"github.com/gocourse/concurrency/internal/lesson"
)

// This program takes no flags; -h says what it is and how to run it, and any
// argument is refused, as in every program of the course.
func init() {
	lesson.NewFlags("01-threads/testdata/oldloop", "The loop-variable bug of Go 1.21 and before: every goroutine sees the last i.").MustParse(os.Args[1:])
}
