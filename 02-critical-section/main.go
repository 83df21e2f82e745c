// Command 02-critical-section protects one small shared resource, a bank,
// in five ways and proves each keeps its books under load; then shows
// sync.Once, a bounded buffer built with sync.Cond and with a channel, and
// what it costs to hold a lock across slow work.
//
//	go run ./02-critical-section
//	go run ./02-critical-section -workers 32 -transfers 20000
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
	"github.com/gocourse/concurrency/internal/timeline"
)

// config is what the lesson's flags can change; the defaults tell the story
// in well under a second.
type config struct {
	workers   int
	transfers int
	accounts  int
	slow      time.Duration
}

var cfg config

var chapter = &lesson.Lesson{
	Name:  "02-critical-section",
	Title: "Critical sections: one shared bank protected five ways, sync.Once, a bounded buffer, lock scope.",
	Flags: func(f *lesson.Flags) {
		f.Int(&cfg.workers, "workers", 8, 1, 10_000, "goroutines making transfers at the same time")
		f.Int(&cfg.transfers, "transfers", 2000, 1, 10_000_000, "transfers each worker attempts")
		f.Int(&cfg.accounts, "accounts", 10, 2, 10_000, "accounts in the bank, each starting with 100 (a transfer needs two)")
		f.Duration(&cfg.slow, "slow", 30*time.Millisecond, time.Nanosecond, time.Second, "how long the slow fetch in section 4 takes")
	},
	Sections: []lesson.Section{
		{Title: "One bank, five protections", Run: func(ctx context.Context, w io.Writer) error {
			if !banks(w, cfg) {
				return errors.New("a bank did not keep its books (see above)")
			}
			return nil
		}},
		{Title: "sync.Once", Run: func(ctx context.Context, w io.Writer) error {
			once(w)
			return nil
		}},
		{Title: "A bounded buffer, with sync.Cond and with a channel", Run: func(ctx context.Context, w io.Writer) error {
			buffers(w)
			return nil
		}},
		{Title: "Keep critical sections small", Run: func(ctx context.Context, w io.Writer) error {
			lockScope(w, cfg.slow)
			return nil
		}},
	},
	Around: func(ctx context.Context, w io.Writer, sections []int, run func() error) error {
		if err := run(); err != nil || len(sections) < 4 {
			return err
		}
		fmt.Fprintln(w, "\nBroken on purpose, to run alone:")
		fmt.Fprintln(w, "   go run ./02-critical-section/reentrant          a Go mutex is not reentrant: deadlock")
		fmt.Fprintln(w, "   go vet ./02-critical-section/testdata/copylock  a copied mutex locks nothing")
		return nil
	},
	Next: "03-deadlock, where two goroutines each hold a lock the other wants.",
}

func main() { chapter.Main() }

// banks runs the same stress on every implementation and reports whether
// all of them kept their invariants.
func banks(w io.Writer, cfg config) bool {
	const each = 100
	initial := equalBalances(cfg.accounts, each)
	scfg := StressConfig{
		Workers: cfg.workers, Transfers: cfg.transfers, MaxAmount: each / 2,
		Readers: 2, MaxReads: 300_000, Seed: 2,
	}
	fmt.Fprintf(w, "%d workers × %d random transfers between %d accounts of %d,\n",
		cfg.workers, cfg.transfers, cfg.accounts, each)
	fmt.Fprintf(w, "while %d readers call Total() and Balance()\n", scfg.Readers)
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
	fmt.Fprintf(w, "%d goroutines asked for EUR at once; the table was loaded %d time(s); all saw %.2f: %t\n",
		callers, rates.Loads(), got[0], same)
}

// buffers moves the same values through both bounded buffers.
func buffers(w io.Writer) {
	const capacity, producers, consumers, items = 4, 3, 2, 100
	n := producers * items
	want := int64(n * (n + 1) / 2)
	fmt.Fprintf(w, "capacity %d: %d producers × %d values → %d consumers\n", capacity, producers, items, consumers)
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
	fmt.Fprintf(w, "%d workers each fetch a rate (%s) and add to one balance\n", workers, slow)
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
