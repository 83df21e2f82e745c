// Command 02-critical-section protects one small shared resource, a bank,
// in five ways and proves each keeps its books under load; then shows
// sync.Once, a bounded buffer built with sync.Cond and with a channel, and
// what it costs to hold a lock across slow work.
//
//	go run ./02-critical-section
//	go run ./02-critical-section -workers 32 -transfers 20000
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gocourse/concurrency/internal/timeline"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the whole lesson; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "02-critical-section:", err)
		return 2
	}
	ok := true
	if cfg.runs(1) {
		ok = banks(stdout, cfg)
	}
	if cfg.runs(2) {
		gap(stdout, cfg, 2)
		once(stdout)
	}
	if cfg.runs(3) {
		gap(stdout, cfg, 3)
		buffers(stdout)
	}
	if cfg.runs(4) {
		gap(stdout, cfg, 4)
		lockScope(stdout, cfg.slow)
	}
	if len(cfg.only) == 0 {
		fmt.Fprintln(stdout, "\nBroken on purpose, to run alone:")
		fmt.Fprintln(stdout, "   go run ./02-critical-section/reentrant          a Go mutex is not reentrant: deadlock")
		fmt.Fprintln(stdout, "   go vet ./02-critical-section/testdata/copylock  a copied mutex locks nothing")
	}
	if !ok {
		return 1
	}
	return 0
}

// banks runs the same stress on every implementation and reports whether
// all of them kept their invariants.
func banks(w io.Writer, cfg config) bool {
	const each = 100
	initial := equalBalances(cfg.accounts, each)
	scfg := StressConfig{
		Workers: cfg.workers, Transfers: cfg.transfers, MaxAmount: each / 2,
		Readers: 2, MaxReads: 300_000, Seed: 2,
	}
	fmt.Fprintf(w, "1. One bank, five protections: %d workers × %d random transfers between %d accounts of %d,\n",
		cfg.workers, cfg.transfers, cfg.accounts, each)
	fmt.Fprintf(w, "   while %d readers call Total() and Balance()\n", scfg.Readers)
	ok := true
	for _, impl := range Implementations {
		b := impl.New(initial)
		rep := Stress(b, initial, scfg)
		b.Close()
		bad := Violations(rep)
		verdict := "books balance"
		if len(bad) > 0 {
			verdict = "BROKEN: " + strings.Join(bad, "; ")
			ok = false
		}
		fmt.Fprintf(w, "   %-10s %-46s %s, torn totals %d of %d, took %s\n", impl.Name, impl.Note, verdict, rep.Torn, rep.Reads, rep.Elapsed.Round(time.Millisecond))
	}
	fmt.Fprintln(w, "   (books balance: money conserved, no transfer lost, no balance ever below zero;")
	fmt.Fprintln(w, "    a torn total is a Total() that missed money between two accounts)")
	return ok
}

// once shows many goroutines racing to use a lazily loaded table.
func once(w io.Writer) {
	const callers = 8
	rates := NewRates(func() map[string]float64 {
		time.Sleep(5 * time.Millisecond) // an expensive load that others must wait for
		return map[string]float64{"EUR": 1.08, "GBP": 1.27}
	})
	got := make([]float64, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() { got[i] = rates.Rate("EUR") })
	}
	wg.Wait()
	same := true
	for _, r := range got {
		same = same && r == got[0]
	}
	fmt.Fprintf(w, "2. sync.Once: %d goroutines asked for EUR at once; the table was loaded %d time(s); all saw %.2f: %t\n",
		callers, rates.Loads(), got[0], same)
}

// buffers moves the same values through both bounded buffers.
func buffers(w io.Writer) {
	const capacity, producers, consumers, items = 4, 3, 2, 100
	n := producers * items
	want := int64(n * (n + 1) / 2)
	fmt.Fprintf(w, "3. Bounded buffer of %d: %d producers × %d values → %d consumers\n", capacity, producers, items, consumers)
	for _, q := range []struct {
		name string
		q    Queue[int]
	}{
		{"sync.Cond", NewCondBuffer[int](capacity)},
		{"channel", NewChanBuffer[int](capacity)},
	} {
		got, sum := ProduceConsume(q.q, producers, consumers, items)
		fmt.Fprintf(w, "   %-9s received %d values, sum %d (want %d)\n", q.name, got, sum, want)
	}
}

// lockScope draws the same deposits twice: with the lock held across the
// slow fetch, then with only the update locked. The second drawing is
// narrower in proportion to the time it should take, so both share a scale.
func lockScope(w io.Writer, slow time.Duration) {
	const workers, width = 3, 60
	fmt.Fprintf(w, "4. Keep critical sections small: %d workers each fetch a rate (%s) and add to one balance\n", workers, slow)
	for _, hold := range []bool{true, false} {
		var rec timeline.Recorder
		balance, took := Deposits(&rec, new(sync.Mutex), workers, slow, hold)
		title, cols := "lock held across the fetch", width
		if !hold {
			title, cols = "only the add is locked", fixedWidth(width, workers)
		}
		fmt.Fprintf(w, "   %s: balance %d, took %s\n", title, balance, took.Round(time.Millisecond))
		timeline.Render(w, rec.Spans(), timeline.Options{Width: cols, Lanes: lanes(workers)})
	}
}

// fixedWidth scales the second drawing of lockScope: with the lock held, the
// deposits take workers×slow; without it, slow plus the last worker's
// head start of (workers-1)×slow/10.
func fixedWidth(width, workers int) int {
	return width * (10 + workers - 1) / (10 * workers)
}

func lanes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("worker %d", i+1)
	}
	return out
}

// gap prints the blank line between part n and an earlier part, if one ran.
func gap(w io.Writer, cfg config, n int) {
	for i := 1; i < n; i++ {
		if cfg.runs(i) {
			fmt.Fprintln(w)
			return
		}
	}
}
