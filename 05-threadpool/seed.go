package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gocourse/concurrency/05-threadpool/executor"
)

// The tutorial's example: four small functions over one sentence,
// submitted to a pool of four. These are the four functions, in Go.

// Sentence is the text the tutorial's example counts.
const Sentence = "A thread pool keeps a few workers ready and hands each one the next task waiting in its queue"

func numberOfWords(s string) int { return len(strings.Fields(s)) }

// numberOfCharacters counts characters (runes), as Python's len(str) does.
func numberOfCharacters(s string) int { return utf8.RuneCountInString(s) }

func numberOfVowels(s string) int {
	n := 0
	for _, r := range strings.ToLower(s) {
		if strings.ContainsRune("aeiou", r) {
			n++
		}
	}
	return n
}

func numberOfOddWords(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		if utf8.RuneCountInString(w)%2 == 1 {
			n++
		}
	}
	return n
}

// seedTasks is the tutorial's list of submissions, in its order.
var seedTasks = []struct {
	name string
	fn   func(string) int
}{
	{"words", numberOfWords},
	{"characters", numberOfCharacters},
	{"vowels", numberOfVowels},
	{"odd-length words", numberOfOddWords},
}

// SeedCounts is the tutorial's example itself: a pool of workers, one Submit per
// function, then wait for all four (Python's with-block does that on exit).
// The counts come back in submission order because we read the futures in
// that order, not because the tasks finished in it.
func SeedCounts(workers int, sentence string) ([]int, error) {
	e := executor.New(executor.Config{Workers: workers})
	futures := make([]*executor.Future[int], 0, len(seedTasks))
	for _, t := range seedTasks {
		f, err := executor.Submit(e, func(context.Context) (int, error) { return t.fn(sentence), nil })
		if err != nil {
			return nil, err
		}
		futures = append(futures, f)
	}
	if err := e.Shutdown(context.Background()); err != nil {
		return nil, err
	}
	counts := make([]int, 0, len(futures))
	for _, f := range futures {
		n, err := f.Wait(context.Background())
		if err != nil {
			return nil, err
		}
		counts = append(counts, n)
	}
	return counts, nil
}

// SeedCost times the two things the tutorial's "Finished in" line mixes up:
// the whole pool round trip (start four workers, submit four tasks, wait,
// shut down), and the four functions called one after another with no pool.
// Each is the median of many runs, because a single run of a few
// microseconds is mostly noise.
func SeedCost(workers, runs int) (pool, direct time.Duration) {
	poolTimes := make([]time.Duration, runs)
	for i := range poolTimes {
		start := time.Now()
		if _, err := SeedCounts(workers, Sentence); err != nil {
			panic(err) // cannot happen: nothing shuts this executor down early
		}
		poolTimes[i] = time.Since(start)
	}
	const reps = 100 // one call of the four functions is below the clock's resolution on some machines
	directTimes := make([]time.Duration, runs)
	sink := 0
	for i := range directTimes {
		start := time.Now()
		for range reps {
			for _, t := range seedTasks {
				sink += t.fn(Sentence)
			}
		}
		directTimes[i] = time.Since(start) / reps
	}
	_ = sink
	return median(poolTimes), median(directTimes)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// pythonRound formats seconds the way the tutorial's f'{round(x, 2)}' does:
// 0.0, 0.25, 1.5.
func pythonRound(d time.Duration) string {
	s := math.Round(d.Seconds()*100) / 100
	out := fmt.Sprint(s)
	if !strings.Contains(out, ".") {
		out += ".0"
	}
	return out
}

// runSeed prints the tutorial's example and then what its timing measures.
func runSeed(ctx context.Context, w io.Writer, workers int, python bool) error {
	fmt.Fprintf(w, "%d tasks on one sentence, pool of %d\n", len(seedTasks), workers)
	start := time.Now()
	counts, err := SeedCounts(workers, Sentence)
	finish := time.Since(start)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "sentence: %q\n", Sentence)
	for i, t := range seedTasks {
		fmt.Fprintf(w, "  %-17s %d\n", t.name+":", counts[i])
	}
	fmt.Fprintf(w, "\nFinished in %s second(s)\n\n", pythonRound(finish))

	pool, direct := SeedCost(workers, 200)
	fmt.Fprintln(w, "what that line measures (median of 200 runs):")
	fmt.Fprintf(w, "  start pool, submit 4, wait, shut down:  %v\n", pool.Round(100*time.Nanosecond))
	fmt.Fprintf(w, "  the four functions alone, one by one:   %v\n", direct.Round(10*time.Nanosecond))
	fmt.Fprintf(w, "  so the counting is %.0f%% of the round trip; the rest of \"Finished in\" is the pool\n",
		100*float64(direct)/float64(max(pool, 1)))
	if python {
		runPython(ctx, w, pool, direct)
	}
	return nil
}
