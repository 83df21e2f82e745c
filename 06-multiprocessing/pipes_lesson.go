//go:build unix

package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

func printPipes(ctx context.Context, w io.Writer) error {
	rs, err := duplex(ctx, []int64{3, 4, 5})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "duplex pipe (a socket pair, gob frames), one child, pid %d:\n", rs[0].PID)
	for _, r := range rs {
		fmt.Fprintf(w, "  parent sent %d, child replied %d\n", r.N, r.Square)
	}
	fmt.Fprintln(w, "  parent closed its end; the child read EOF and exited 0")

	const writers, each = 3, 4
	notes, _, err := fanIn(ctx, writers, each, true, nil)
	if err != nil {
		return err
	}
	per := map[int]int{}
	for _, n := range notes {
		per[n.Writer]++
	}
	fmt.Fprintf(w, "queue: %d children put %d framed notes each on one pipe; parent got %d, per child %v\n",
		writers, each, len(notes), []int{per[0], per[1], per[2]})

	fmt.Fprintln(w, "one pipe, 3 writers, no framing and no lock (PIPE_BUF is 4096 on Linux):")
	for _, tc := range []struct{ records, size int }{{16, 4096}, {4, 256 << 10}} {
		torn, err := tornRecords(ctx, 3, tc.records, tc.size)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  records of %6d bytes: %d of %d arrived torn\n", tc.size, torn, 3*tc.records)
	}

	fmt.Fprintln(w, "trap 1: the parent calls Wait before reading the child's output")
	for _, size := range []int{1 << 10, 1 << 20} {
		// How long to wait before calling it a deadlock: long for the size
		// that fits in the pipe (the wait ends as soon as the child exits,
		// however slowly a busy machine starts it), short for the one that
		// cannot (no wait could be long enough to prove a deadlock).
		patience := 500 * time.Millisecond
		if size <= 1<<10 {
			patience = 10 * time.Second
		}
		dead, _, err := waitBeforeRead(ctx, size, false, after(patience))
		if err != nil {
			return err
		}
		if dead {
			fmt.Fprintf(w, "  %4d KiB: deadlock (child blocked writing, parent in Wait); reading the pipe freed it\n", size>>10)
		} else {
			fmt.Fprintf(w, "  %4d KiB: finished: it fit in the pipe's buffer, so the wrong order went unnoticed\n", size>>10)
		}
	}
	fmt.Fprintln(w, "trap 2: the parent keeps its own copy of the queue's write end")
	for _, closeIt := range []bool{false, true} {
		// Kept open, EOF never comes: give up after a moment. Closed, it
		// comes once both children have exited: wait for it (nil: no limit).
		patience := after(300 * time.Millisecond)
		if closeIt {
			patience = nil
		}
		_, eof, err := fanIn(ctx, 2, 2, closeIt, patience)
		if err != nil {
			return err
		}
		switch {
		case !closeIt && !eof:
			fmt.Fprintln(w, "  kept open: both children exited, EOF never came")
		case closeIt && eof:
			fmt.Fprintln(w, "  closed after starting the children: EOF once both had exited")
		default:
			return fmt.Errorf("trap 2: close=%t but eof=%t", closeIt, eof)
		}
	}
	fmt.Fprintln(w, "trap 3: cmd.Env replaces the whole environment (child: the env program)")
	for _, e := range []envCase{envInherit, envReplace, envAppend} {
		n, path, greet, err := envSeen(ctx, e)
		if err != nil {
			return err
		}
		vars := fmt.Sprintf("%d variables", n)
		if n == 1 {
			vars = "1 variable"
		}
		fmt.Fprintf(w, "  %-44s %-13s PATH %-3s GREETING %s\n", e.String()+":", vars, yes(path), yes(greet))
	}
	return nil
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
