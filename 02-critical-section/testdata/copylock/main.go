// Command copylock is broken on purpose: a type that holds a sync.Mutex has
// a method with a value receiver, so every call locks its own copy of the
// mutex and nothing is mutually excluded. The map inside is not copied (a
// map value is a reference), so four goroutines write one map at once.
//
// go vet reports it before it ever runs ("passes lock by value"); built with
// -race, the race detector reports the map writes; without -race, the
// runtime sometimes stops it with "fatal error: concurrent map writes" and
// sometimes it prints the right total by luck. It lives under testdata so
// that go vet ./... over the course stays clean; run it by its path.
package main

import (
	"fmt"
	"sync"
)

// Hits counts visits per page.
type Hits struct {
	mu     sync.Mutex
	counts map[string]int
}

// Inc has a value receiver: h is a copy, and so is h.mu.
func (h Hits) Inc(page string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.counts[page]++
}

func main() {
	h := Hits{counts: map[string]int{}}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				h.Inc("/")
			}
		})
	}
	wg.Wait()
	fmt.Println("hits on /:", h.counts["/"], "of 4000")
}
