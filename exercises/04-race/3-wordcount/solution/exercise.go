//go:build coach

// Exercise 04.3, solved: confinement. Each goroutine counts into a map only
// it can see, and stores it once in its own slot of a slice: no two
// goroutines ever touch the same map or the same slot. wg.Done happens
// before the wg.Wait it releases returns, so after Wait the merging
// goroutine may read every slot. Nothing is shared while the work runs,
// so there is nothing to lock.
package wordcount

import (
	"strings"
	"sync"
)

// Count returns how many times each word (as strings.Fields splits them)
// occurs in all the texts together.
func Count(texts []string) map[string]int {
	parts := make([]map[string]int, len(texts))
	var wg sync.WaitGroup
	for i, text := range texts {
		wg.Go(func() {
			mine := map[string]int{} // confined to this goroutine
			for _, w := range strings.Fields(text) {
				mine[w]++
			}
			parts[i] = mine // its own slot, written once
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
