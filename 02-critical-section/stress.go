package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// StressConfig says how hard Stress hits a bank.
type StressConfig struct {
	Workers   int   // goroutines making transfers at the same time
	Transfers int   // transfers each worker attempts
	MaxAmount int64 // each amount is drawn from 1..MaxAmount
	Readers   int   // goroutines reading Total and Balance while transfers run
	MaxReads  int   // each reader stops after this many reads, or when the workers are done
	Seed      uint64
}

// A Move is one transfer the bank said had succeeded.
type Move struct {
	From, To int
	Amount   int64
}

// StressReport is what happened during a Stress run.
type StressReport struct {
	Initial   []int64 // balances before
	Final     []int64 // balances after, read once all workers were done
	Moves     []Move  // every transfer the bank reported as done
	Refused   int     // transfers refused for insufficient funds
	Counted   int64   // the bank's own Transfers() at the end
	Total     int64   // the bank's Total() at the end
	Reads     int     // Totals read while transfers were running
	Torn      int     // of those, how many differed from the initial total
	Negatives int     // balances seen below zero while transfers were running
	Errors    []error // anything Transfer returned besides nil and ErrInsufficientFunds
	Elapsed   time.Duration
}

// Stress runs cfg.Workers goroutines that make random transfers on b while
// cfg.Readers goroutines read it, and reports what everyone saw. The random
// choices depend only on cfg.Seed; the interleaving, and so which transfers
// are refused, does not. The bank must have been built from initial, with at
// least two accounts.
func Stress(b Bank, initial []int64, cfg StressConfig) StressReport {
	if len(initial) < 2 {
		panic("Stress: a transfer needs at least two accounts")
	}
	rep := StressReport{Initial: slices.Clone(initial)}
	want := sum(initial)
	n := len(initial)

	var (
		mu      sync.Mutex // guards rep while workers and readers report into it
		workers sync.WaitGroup
		readers sync.WaitGroup
	)
	stop := make(chan struct{})
	start := time.Now()

	for r := range cfg.Readers {
		readers.Go(func() {
			reads, torn, negatives := 0, 0, 0
			for reads < cfg.MaxReads && !isClosed(stop) {
				if b.Total() != want {
					torn++
				}
				if b.Balance((r+reads)%n) < 0 {
					negatives++
				}
				reads++
			}
			mu.Lock()
			rep.Reads += reads
			rep.Torn += torn
			rep.Negatives += negatives
			mu.Unlock()
		})
	}

	for w := range cfg.Workers {
		workers.Go(func() {
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(w)))
			var moves []Move
			var refused int
			var errs []error
			for range cfg.Transfers {
				from := rng.IntN(n)
				to := (from + 1 + rng.IntN(n-1)) % n // never from itself
				amount := 1 + rng.Int64N(cfg.MaxAmount)
				switch err := b.Transfer(from, to, amount); {
				case err == nil:
					moves = append(moves, Move{from, to, amount})
				case errors.Is(err, ErrInsufficientFunds):
					refused++
				default:
					errs = append(errs, err)
				}
			}
			mu.Lock()
			rep.Moves = append(rep.Moves, moves...)
			rep.Refused += refused
			rep.Errors = append(rep.Errors, errs...)
			mu.Unlock()
		})
	}

	workers.Wait()
	close(stop)
	readers.Wait()
	rep.Elapsed = time.Since(start)

	rep.Final = make([]int64, n)
	for i := range rep.Final {
		rep.Final[i] = b.Balance(i)
	}
	rep.Counted = b.Transfers()
	rep.Total = b.Total()
	return rep
}

// Violations checks the bank's invariants against a report and describes each
// one that broke; none means the bank kept its books.
//
//   - money is conserved: the total at the end is the total at the start;
//   - no transfer is lost: replaying every move the bank reported as done,
//     in any order, gives exactly the final balances, and the bank's own
//     count agrees with the number of moves;
//   - no balance is ever negative, at the end or while transfers ran;
//   - Transfer returned nothing but nil or ErrInsufficientFunds.
//
// Torn totals are not a violation here: whether they are allowed depends on
// the bank (see Implementation.Snapshot).
func Violations(r StressReport) []string {
	var out []string
	if got, want := sum(r.Final), sum(r.Initial); got != want {
		out = append(out, fmt.Sprintf("money not conserved: balances sum to %d, started with %d", got, want))
	}
	if r.Total != sum(r.Initial) {
		out = append(out, fmt.Sprintf("Total() = %d, started with %d", r.Total, sum(r.Initial)))
	}
	ledger := slices.Clone(r.Initial)
	for _, m := range r.Moves {
		ledger[m.From] -= m.Amount
		ledger[m.To] += m.Amount
	}
	for i := range ledger {
		if i >= len(r.Final) || ledger[i] != r.Final[i] {
			got := int64(0)
			if i < len(r.Final) {
				got = r.Final[i]
			}
			out = append(out, fmt.Sprintf("transfer lost: account %d holds %d, the moves say %d", i, got, ledger[i]))
		}
	}
	if r.Counted != int64(len(r.Moves)) {
		out = append(out, fmt.Sprintf("transfer lost: bank counted %d transfers, workers saw %d succeed", r.Counted, len(r.Moves)))
	}
	for i, v := range r.Final {
		if v < 0 {
			out = append(out, fmt.Sprintf("negative balance: account %d holds %d", i, v))
		}
	}
	if r.Negatives > 0 {
		out = append(out, fmt.Sprintf("negative balance seen %d times while transfers ran", r.Negatives))
	}
	for _, err := range r.Errors {
		out = append(out, "unexpected error: "+err.Error())
	}
	return out
}

func sum(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}

// equalBalances returns n accounts holding each.
func equalBalances(n int, each int64) []int64 {
	b := make([]int64, n)
	for i := range b {
		b[i] = each
	}
	return b
}

// isClosed reports, without blocking, whether c has been closed.
func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
