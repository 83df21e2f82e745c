//go:build unix

package main

import (
	"fmt"
	"os"
	"sort"
	"sync"
)

// Go has no fork. os.StartProcess always runs a program from its first
// instruction, so a Go program that wants a helper process runs its own
// executable again and tells the new copy, through the environment, which
// part to play. The copy looks at the variable before anything else in main
// and never reaches the lesson. os/exec's own tests do the same with their
// test binary; this chapter's TestMain does it too.

// roleEnv names the environment variable that carries the role.
const roleEnv = "GOCOURSE_06_ROLE"

// A role is the whole life of a child process: it reads its arguments from
// os.Args[1:], its shared files from fd 3 onwards, and returns the exit status.
type role func(args []string) int

var (
	roles     = map[string]role{}
	rolesMu   sync.Mutex
	rolesUsed = map[string]bool{}
)

// register adds a role. Registering a name twice is a programming error.
func register(name string, r role) {
	if _, dup := roles[name]; dup {
		panic("06-multiprocessing: role registered twice: " + name)
	}
	roles[name] = r
}

// markUsed records that the parent started a child with this role, so that a
// full test run can report roles nothing uses any more.
func markUsed(name string) {
	rolesMu.Lock()
	rolesUsed[name] = true
	rolesMu.Unlock()
}

// unusedRoles lists the registered roles that no child was started with.
func unusedRoles() []string {
	rolesMu.Lock()
	defer rolesMu.Unlock()
	var out []string
	for name := range roles {
		if !rolesUsed[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// dispatchRole returns at once in the parent. In a child it plays the role
// named by roleEnv and exits with the role's status; an unknown role is a
// loud failure (exit 2), never a silent fall-through into the lesson, which
// would start children of its own.
func dispatchRole() {
	name, ok := os.LookupEnv(roleEnv)
	if !ok {
		return
	}
	r, ok := roles[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "06-multiprocessing: unknown role %q in %s\n", name, roleEnv)
		os.Exit(2)
	}
	os.Exit(r(os.Args[1:]))
}
