package main

import (
	"fmt"
	"os/exec"
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

func TestParsePythonSeed(t *testing.T) {
	p, err := parsePythonSeed("counts=19,93,31,13 pool_ns=596193 direct_ns=11461 python=3.11.7\n")
	require.NoError(t, err)
	assert.Equal(t, PythonSeed{Counts: []int{19, 93, 31, 13}, Pool: 596193, Direct: 11461, Version: "3.11.7"}, p)
	for _, bad := range []string{"", "garbage", "counts=1,x pool_ns=1 direct_ns=1", "counts=1 pool_ns=? direct_ns=1"} {
		_, err := parsePythonSeed(bad)
		assert.Error(t, err, "%q", bad)
	}
}

// The Python and Go versions of the seed example count the same things.
func TestPythonSeedAgreesWithGo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not on PATH")
	}
	for _, s := range []string{Sentence, "the quick brown fox jumps over the lazy dog"} {
		p, err := RunPythonSeed(t.Context(), s)
		require.NoError(t, err)
		want, err := SeedCounts(4, s)
		require.NoError(t, err)
		assert.Equal(t, want, p.Counts, "%q", s)
		assert.Positive(t, p.Pool)
		assert.Positive(t, p.Direct)
	}
}
