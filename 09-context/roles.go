package main

import (
	"fmt"
	"os"
)

// A child process in this chapter is this same program started again with a
// role to play, as in chapter 06: Go has no fork. The role travels in the
// environment; the child looks at it before anything else in main.
const roleEnv = "GOCOURSE_09_ROLE"

// roles maps a role's name to its whole life as a process: it reads its
// arguments and returns the exit status.
var roles = map[string]func(args []string) int{
	"budget":   budgetChild,   // section 2: stops by itself when its budget is spent
	"stubborn": stubbornChild, // section 2: ignores its budget; the parent kills it
	"sigint":   sigintChild,   // section 3: signal.NotifyContext, stop cleanly
}

// dispatchRole returns at once in the parent. In a child it plays the role
// and exits; an unknown role is a loud exit 2, never a fall-through into the
// lesson, which would start children of its own.
func dispatchRole() {
	name, ok := os.LookupEnv(roleEnv)
	if !ok {
		return
	}
	r, ok := roles[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "09-context: unknown role %q in %s\n", name, roleEnv)
		os.Exit(2)
	}
	os.Exit(r(os.Args[1:]))
}
