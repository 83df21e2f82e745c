//go:build coach

// Exercise 04.3: count words without sharing a map.
//
// Count counts the words of many texts, one goroutine per text. Every
// goroutine writes into the same map, like 04-race/mapwrites/main.go: a data
// race, which the race detector reports, and which without -race the runtime
// may stop with "fatal error: concurrent map writes".
//
// TODO: make Count correct with no mutex and no shared map. Confine instead,
// like countConfined in 04-race/counter.go: give each goroutine a map of its
// own, and merge them once they are all done. Keep one goroutine per text.
package wordcount

import (
	"strings"
	"sync"
)

// Count returns how many times each word (as strings.Fields splits them)
// occurs in all the texts together.
func Count(texts []string) map[string]int {
	total := map[string]int{}
	var wg sync.WaitGroup
	for _, text := range texts {
		wg.Go(func() {
			for _, w := range strings.Fields(text) {
				total[w]++ // every goroutine writes the one map
			}
		})
	}
	wg.Wait()
	return total
}
