package main

import (
	"os"

	"github.com/gocourse/concurrency/internal/lesson"
)

// This program takes no flags; -h says what it is and how to run it, and any
// argument is refused, as in every program of the course.
func init() {
	lesson.NewFlags("01-threads/nojoin", "Broken on purpose: main returns without joining its three workers, and they vanish.").MustParse(os.Args[1:])
}
