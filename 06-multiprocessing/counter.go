//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
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
// Layout: offset 0 is the start flag, offset 8 the counter.
const (
	offGo      = 0
	offCounter = 8
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
// int64 perChild times, all starting at the same moment, and returns the
// total.
func sharedCounter(ctx context.Context, mode string, children, perChild int) (counterRun, error) {
	run := counterRun{mode: mode, want: int64(children * perChild)}
	reg, err := newRegion(16)
	if err != nil {
		return run, err
	}
	defer reg.Close()
	var stderr lockedBuffer
	var kids []*child
	defer func() {
		for _, c := range kids {
			c.Wait()
		}
	}()
	for range children {
		cmd := command(ctx, "counter", mode, strconv.Itoa(perChild))
		cmd.ExtraFiles = []*os.File{reg.File()}
		cmd.Stderr = &stderr
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
			atomic.StoreInt64(reg.Int64(offGo), 1)
			return run, fmt.Errorf("counter child did not get ready")
		}
	}
	atomic.StoreInt64(reg.Int64(offGo), 1)
	for _, c := range kids {
		if werr := c.Wait(); err == nil && werr != nil {
			err = fmt.Errorf("counter child: %v: %s", werr, stderr.String())
		}
	}
	kids = nil
	run.got = atomic.LoadInt64(reg.Int64(offCounter))
	run.stderr = stderr.String()
	return run, err
}

// plainInc is a load, an add and a store: two processes can both load 5,
// both store 6, and one increment is lost. noinline keeps the compiler from
// folding the loop into one big add.
//
//go:noinline
func plainInc(p *int64) { *p++ }

// counterRole increments the shared counter args[1] times, as args[0] says:
// "atomic", "plain", or "plain-goroutines" (two goroutines of this one
// process share the work with plain ++) or "heap-goroutines" (the same, but
// on an ordinary Go variable: the control, which -race does report).
func counterRole(args []string) int {
	n, _ := strconv.Atoi(args[1])
	reg, err := openRegion(3)
	if err != nil {
		fmt.Fprintln(os.Stderr, "counter:", err)
		return 1
	}
	defer reg.Close()
	start, p := reg.Int64(offGo), reg.Int64(offCounter)
	fmt.Println("ready")
	deadline := time.Now().Add(10 * time.Second)
	for atomic.LoadInt64(start) == 0 {
		if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "counter: never got the start flag")
			return 1
		}
		runtime.Gosched()
	}
	switch args[0] {
	case "atomic":
		for range n {
			atomic.AddInt64(p, 1)
		}
	case "plain":
		for range n {
			plainInc(p)
		}
	case "plain-goroutines", "heap-goroutines":
		var heap int64
		if args[0] == "heap-goroutines" {
			p = &heap
		}
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				for range n / 2 {
					plainInc(p)
				}
			})
		}
		wg.Wait()
		if p == &heap {
			atomic.AddInt64(reg.Int64(offCounter), heap)
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
	const children, each = 2, 2_000_000
	fmt.Fprintf(w, "%d children × %d increments of one int64 in shared memory:\n", children, each)
	for _, mode := range []string{"atomic", "plain"} {
		r, err := sharedCounter(ctx, mode, children, each)
		if err != nil {
			return err
		}
		if r.lost() == 0 {
			fmt.Fprintf(w, "  %-16s %d (exact)\n", mode+":", r.got)
		} else {
			fmt.Fprintf(w, "  %-16s %d (lost %d updates)\n", mode+" ++:", r.got, r.lost())
		}
	}
	fmt.Fprintln(w, "  go test -race would not see it: each process has its own race detector,")
	fmt.Fprintln(w, "  and it tracks only memory Go allocated, not a mapping from mmap")
	return nil
}
