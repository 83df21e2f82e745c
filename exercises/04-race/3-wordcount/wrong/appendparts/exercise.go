//go:build coach

// Wrong: each goroutine counts into its own map, but then appends it to one
// shared slice, and the appends race.
package wordcount

import (
	"strings"
	"sync"
)

// Count returns how many times each word (as strings.Fields splits them)
// occurs in all the texts together.
func Count(texts []string) map[string]int {
	var parts []map[string]int
	var wg sync.WaitGroup
	for _, text := range texts {
		wg.Go(func() {
			mine := map[string]int{}
			for _, w := range strings.Fields(text) {
				mine[w]++
			}
			parts = append(parts, mine)
		})
	}
	wg.Wait()
	total := map[string]int{}
	for _, part := range parts {
		for w, n := range part {
			total[w] += n
		}
	}
	return total
}
