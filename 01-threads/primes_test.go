package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCountPrimes(t *testing.T) {
	tests := []struct {
		lo, hi, want int
	}{
		{0, 0, 0}, {0, 2, 0}, {0, 3, 1}, {0, 10, 4}, {0, 100, 25},
		{0, 1000, 168}, {0, 1_000_000, 78498}, {-5, 3, 1}, {90, 100, 1}, {7919, 7920, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("[%d,%d)", tt.lo, tt.hi), func(t *testing.T) {
			assert.Equal(t, tt.want, countPrimes(tt.lo, tt.hi))
		})
	}
}

// Every split, with any number of workers, counts exactly what one goroutine
// counts: including limits smaller than the worker count or a block.
func TestSplitAgreesWithSequential(t *testing.T) {
	for _, limit := range []int{2, 3, 10, blockSize - 1, blockSize + 1, 3*blockSize + 17, 100_000} {
		want := countPrimes(0, limit)
		for _, s := range []split{ranges, blocks} {
			for _, k := range []int{1, 2, 3, 7, 16} {
				t.Run(fmt.Sprintf("%s/limit=%d/k=%d", s, limit, k), func(t *testing.T) {
					assert.Equal(t, want, countSplit(limit, k, s, nil))
				})
			}
		}
	}
}

func TestShowSplitDrawsEveryWorker(t *testing.T) {
	var b strings.Builder
	showSplit(&b, 50_000, 3, 30)
	out := b.String()
	assert.Contains(t, out, "1 goroutine:  5133 primes below 50000")
	assert.Contains(t, out, "3 goroutines, split by ranges: 5133 primes")
	assert.Contains(t, out, "3 goroutines, split by blocks: 5133 primes")
	// One sequential lane, and three lanes for each split.
	assert.Equal(t, 1, strings.Count(out, "main |["))
	for w := 1; w <= 3; w++ {
		assert.Equal(t, 2, strings.Count(out, fmt.Sprintf("worker %d |", w)))
	}
}
