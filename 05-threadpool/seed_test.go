package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ExampleSeedCounts() {
	counts, err := SeedCounts(4, "the quick brown fox jumps over the lazy dog")
	if err != nil {
		panic(err)
	}
	fmt.Println("words, characters, vowels, odd-length words:", counts)
	// Output: words, characters, vowels, odd-length words: [9 43 11 7]
}

func TestSeedCountsMatchTheFunctionsRunDirectly(t *testing.T) {
	for _, s := range []string{"", "a", "Ünïcödé wörds, längths", "  spaces   everywhere  ", Sentence} {
		for _, workers := range []int{1, 4} {
			counts, err := SeedCounts(workers, s)
			require.NoError(t, err)
			assert.Equal(t, []int{numberOfWords(s), numberOfCharacters(s), numberOfVowels(s), numberOfOddWords(s)}, counts, "%q", s)
		}
	}
	assert.Equal(t, 22, numberOfCharacters("Ünïcödé wörds, längths"), "characters, not bytes")
}

func TestPythonRound(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.0"},
		{700 * time.Microsecond, "0.0"},
		{5 * time.Millisecond, "0.01"},
		{1234 * time.Millisecond, "1.23"},
		{2 * time.Second, "2.0"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, pythonRound(tc.d), "%v", tc.d)
	}
}

func TestSeedCostMeasuresBothSides(t *testing.T) {
	pool, direct := SeedCost(4, 5)
	assert.Positive(t, pool)
	assert.Positive(t, direct)
}
