//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// A counter in shared memory, incremented by several processes at once.
// Python's multiprocessing.Value comes with a lock (value.get_lock()); our
// Region has none, so the children either use sync/atomic, which works on
// any aligned address, shared or not, or lose updates.
//
// Each child counts for a fixed time rather than a fixed number of times, so
// that the children overlap even on a busy machine, and records in its own
// slot how many increments it made: the counter should equal their sum.
//
// All children start counting at the same moment: each blocks reading its
// stdin, one pipe shared by all, and the parent closes the pipe's write end,
// which wakes every reader at once with EOF. (Spinning on a flag in shared
// memory works too, but on a busy machine the scheduler punishes spinners.)
//
// Layout: offset 0 is the counter, and from offset 8 one int64 per child for
// its own count.
const (
	offCounter = 0
	offCounts  = 8
)

// counterRun is one run: how the children incremented, and what came out.
type counterRun struct {
	mode   string // "atomic" or "plain"
	got    int64
	want   int64
	stderr string // what the children wrote to stderr (race reports, say)
}

func (r counterRun) lost() int64 { return r.want - r.got }

// sharedCounter starts children processes that each increment one shared
// int64 for the duration d, all starting at the same moment, and returns the
// counter and the sum of the increments the children made.
func sharedCounter(ctx context.Context, mode string, children int, d time.Duration) (counterRun, error) {
	run := counterRun{mode: mode}
	reg, err := newRegion(offCounts + 8*children)
	if err != nil {
		return run, err
	}
	defer reg.Close()
	var stderr lockedBuffer
	var kids []*child
	startR, startW, err := os.Pipe()
	if err != nil {
		return run, err
	}
	defer startW.Close()
	defer func() {
		for _, c := range kids {
			c.Wait()
		}
	}()
	for i := range children {
		cmd := command(ctx, "counter", mode, d.String(), strconv.Itoa(i))
		cmd.ExtraFiles = []*os.File{reg.File()}
		cmd.Stderr = &stderr
		cmd.Stdin = startR
		c, r, err := startPiped(cmd)
		if err != nil {
			return run, err
		}
		kids = append(kids, c)
		// Each child says "ready" once it has mapped the region and waits
		// for the start flag, so that all of them count at the same time
		// instead of one after another while the next one starts up.
		line, _ := bufio.NewReader(r).ReadString('\n')
		r.Close()
		if line != "ready\n" {
			startR.Close()
			return run, fmt.Errorf("counter child did not get ready")
		}
	}
	startR.Close()
	startW.Close() // go!
	for _, c := range kids {
		if werr := c.Wait(); err == nil && werr != nil {
			err = fmt.Errorf("counter child: %v: %s", werr, stderr.String())
		}
	}
	kids = nil
	run.got = atomic.LoadInt64(reg.Int64(offCounter))
	for _, n := range reg.Int64s(offCounts, children) {
		run.want += n
	}
	run.stderr = stderr.String()
	return run, err
}

// plainInc is a load, an add and a store: two processes can both load 5,
// both store 6, and one increment is lost. noinline keeps the compiler from
// folding the loop into one big add.
//
//go:noinline
func plainInc(p *int64) { *p++ }

// counterRole increments the shared counter for the duration args[1] and
// stores how many times it did in slot args[2]. args[0] says how: "atomic",
// "plain", "plain-goroutines" (two goroutines of this one process share the
// work, plain ++ on the mapping) or "heap-goroutines" (the same, but on an
// ordinary Go variable: the control, which -race does report).
func counterRole(args []string) int {
	d, _ := time.ParseDuration(args[1])
	slot, _ := strconv.Atoi(args[2])
	reg, err := openRegion(3)
	if err != nil {
		fmt.Fprintln(os.Stderr, "counter:", err)
		return 1
	}
	defer reg.Close()
	p, mine := reg.Int64(offCounter), reg.Int64(offCounts+8*slot)
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin) // returns at EOF: the parent's "go"
	// count calls inc in batches until d has passed and, if other is not
	// nil, until other is true; it returns how many times it called inc.
	count := func(inc func(), other *atomic.Bool) int64 {
		n, end := int64(0), time.Now().Add(d)
		for time.Now().Before(end) || other != nil && !other.Load() {
			for range 10_000 {
				inc()
			}
			n += 10_000
		}
		return n
	}
	switch args[0] {
	case "atomic":
		*mine = count(func() { atomic.AddInt64(p, 1) }, nil)
	case "plain":
		*mine = count(func() { plainInc(p) }, nil)
	case "plain-goroutines", "heap-goroutines":
		var heap int64
		q := p
		if args[0] == "heap-goroutines" {
			q = &heap
		}
		var wg sync.WaitGroup
		var total atomic.Int64
		// The two goroutines' increments must overlap in time: the race
		// detector reports two unordered accesses only while it can still
		// rebuild the stack of the first from its history, and one
		// goroutine can finish its d before the other runs at all on a
		// loaded machine (the control then passed in CI: no report). So
		// each one says it has started, and counts until d has passed and
		// the other has started too. The flags order only what comes
		// before them: the increments stay unordered. (The test also
		// gives the detector its longest history: see
		// TestRaceDetectorIsBlindToMappedMemory.)
		var started [2]atomic.Bool
		for i := range 2 {
			wg.Go(func() {
				started[i].Store(true)
				total.Add(count(func() { plainInc(q) }, &started[1-i]))
			})
		}
		wg.Wait()
		*mine = total.Load()
		if q == &heap {
			*mine = heap
			atomic.AddInt64(p, heap)
		}
	default:
		return 2
	}
	return 0
}

func init() { register("counter", counterRole) }

// lockedBuffer is a bytes.Buffer that several children's stderr copiers may
// write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func printCounter(ctx context.Context, w io.Writer) error {
	const children, d = 2, 100 * time.Millisecond
	fmt.Fprintf(w, "%d children increment one int64 in shared memory for %v each:\n", children, d)
	r, err := sharedCounter(ctx, "atomic", children, d)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  atomic.AddInt64: %d of %d increments (exact)\n", r.got, r.want)
	// Lost updates need the two children on two cores at the same moment;
	// on a busy machine that may take another try.
	const tries = 3
	for try := 1; ; try++ {
		r, err := sharedCounter(ctx, "plain", children, d)
		if err != nil {
			return err
		}
		if r.lost() > 0 {
			fmt.Fprintf(w, "  plain ++:        %d of %d increments (lost %d)\n", r.got, r.want, r.lost())
			break
		}
		if try == tries {
			fmt.Fprintf(w, "  plain ++:        none lost in %d runs: the children never ran at the same moment (a busy machine?)\n", tries)
			break
		}
	}
	fmt.Fprintln(w, "  go test -race would not see it: each process has its own race detector,")
	fmt.Fprintln(w, "  and it tracks only memory Go allocated, not a mapping from mmap")
	return nil
}
