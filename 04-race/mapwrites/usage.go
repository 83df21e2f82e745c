package main

import (
	"os"

	"github.com/gocourse/concurrency/internal/lesson"
)

// This program takes no flags; -h says what it is and how to run it, and any
// argument is refused, as in every program of the course.
func init() {
	lesson.NewFlags("04-race/mapwrites", "Broken on purpose: goroutines write one map at once, and the runtime stops the program.").MustParse(os.Args[1:])
}
