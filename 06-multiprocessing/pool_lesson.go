//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/sys/unix"
)

func printPool(ctx context.Context, w io.Writer) error {
	p, err := newPool("square", PoolOptions{Workers: 3, ChunkSize: 4})
	if err != nil {
		return err
	}
	out, err := p.Map(ctx, upTo(12))
	p.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Map(square, 1..12), 3 workers, chunks of 4: %v (input order)\n", out)

	p, err = newPool("pid", PoolOptions{Workers: 1, MaxTasksPerChild: 2})
	if err != nil {
		return err
	}
	pids, err := p.Map(ctx, upTo(8))
	p.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "max 2 tasks per child: 8 tasks on 1 worker at a time ran in %d different processes\n", distinct(pids))

	// A poison input: the worker exits in the middle of a task.
	p, err = newPool("fragile", PoolOptions{Workers: 2, Retries: 1})
	if err != nil {
		return err
	}
	out, err = p.Map(ctx, []int64{11, 12, 13, 14})
	fmt.Fprintf(w, "poison input 13, 1 retry: outputs %v\n  error: %v\n", out, err)
	out, err = p.Map(ctx, []int64{-1, 2})
	fmt.Fprintf(w, "negative input, an ordinary error: outputs %v\n  error: %v (the worker lives on)\n", out, err)
	p.Close()

	// SIGKILL a worker the moment it is handed a task (before it can
	// answer: see onDispatch).
	const killRetries = 1
	killed := 0
	p, err = newPool("square", PoolOptions{Workers: 2, Retries: killRetries, onDispatch: func(pid, attempt int, in []int64) {
		if attempt == 1 && in[0] == 3 {
			unix.Kill(pid, unix.SIGKILL)
			killed++
		}
	}})
	if err != nil {
		return err
	}
	out, err = p.Map(ctx, upTo(6))
	fmt.Fprintf(w, "SIGKILL the worker running 3, retries %d: outputs %v, error %v, %d killed, %d workers started\n", killRetries, out, err, killed, p.Spawned())
	p.Close()
	fmt.Fprintln(w, "Python's Pool would hang forever on the poison and the SIGKILL (bpo-22393).")

	// Chunking: one message per input, or per 100.
	for _, chunk := range []int{1, 100} {
		p, err := newPool("collatz", PoolOptions{Workers: 2, ChunkSize: chunk})
		if err != nil {
			return err
		}
		p.Map(ctx, upTo(2)) // start the workers first, so only the Map is timed
		t0 := time.Now()
		_, err = p.Map(ctx, upTo(5000))
		d := time.Since(t0)
		p.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "Map(collatz, 1..5000) with chunks of %3d took %v\n", chunk, d.Round(time.Millisecond))
	}
	return nil
}

func printHygiene(ctx context.Context, w io.Writer) error {
	for _, group := range []bool{false, true} {
		died, err := cancelKillsGroup(ctx, group, lessonPatience(group))
		if err != nil {
			return err
		}
		what := "exec's default Cancel kills the child only"
		if group {
			what = "our Cancel kills the child's process group"
		}
		fmt.Fprintf(w, "cancel, %-44s grandchild died: %s\n", what+":", yes(died))
	}
	if hasDeathSignal {
		for _, on := range []bool{false, true} {
			died, err := deathSignal(ctx, on, lessonPatience(on))
			if err != nil {
				return err
			}
			what := "SIGKILL a child, grandchild without Pdeathsig:"
			if on {
				what = "SIGKILL a child, grandchild with Pdeathsig:"
			}
			fmt.Fprintf(w, "%-53s grandchild died: %s\n", what, yes(died))
		}
	}
	return nil
}

// leftoverReport says what the lesson left behind: children not yet reaped,
// and open descriptors compared with before.
func leftoverReport(w io.Writer, fdsBefore int) error {
	fds, err := openFDs()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "children not reaped: %d; open descriptors at the start: %d, at the end: %d\n", live.Load(), fdsBefore, fds)
	if live.Load() != 0 || fds != fdsBefore {
		return errors.New("the lesson leaked a child or a descriptor")
	}
	return nil
}

// lessonPatience is how long to watch a grandchild that should die (long:
// the watch ends as soon as it has) or should live (short: no watch could be
// long enough to prove it lives forever).
func lessonPatience(shouldDie bool) time.Duration {
	if shouldDie {
		return 5 * time.Second
	}
	return 300 * time.Millisecond
}
