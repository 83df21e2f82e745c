package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
)

// A goroutine is not an OS thread. The runtime multiplexes any number of
// goroutines onto a few threads: GOMAXPROCS of them run Go code at once (one
// per core by default), and a goroutine that blocks on a channel, a lock or a
// sleep is parked by the runtime without holding a thread at all. A parked
// goroutine costs its stack (a few KiB to start, grown and shrunk as needed)
// and a small descriptor, which is why ten thousand of them are unremarkable
// where ten thousand OS threads would strain the machine.

// parkReport is what parkGoroutines saw while its goroutines were parked.
type parkReport struct {
	Parked        int     // goroutines started and blocked
	GOMAXPROCS    int     // goroutines that can run Go code at once
	NumGoroutine  int     // runtime.NumGoroutine while they were parked
	Others        int     // runtime.NumGoroutine before they started
	OSThreads     int     // the process's threads from /proc/self/status; -1 where absent
	RuntimeThread uint64  // the runtime's own count (/sched/threads/total)
	StackPerG     float64 // bytes of goroutine stack per parked goroutine
	HeapPerG      float64 // bytes of heap objects per parked goroutine (descriptors and closures)
	StartingStack uint64  // the runtime's current starting stack size
}

// memSample holds the runtime/metrics values parkGoroutines compares.
// (-benchmem counts heap allocations only; goroutine stacks are not among
// them, so the stack size is read from the runtime's own metrics.)
type memSample struct{ stacks, objects, threads, startStack uint64 }

func readMem() memSample {
	s := []metrics.Sample{
		{Name: "/memory/classes/heap/stacks:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/sched/threads/total:threads"},
		{Name: "/gc/stack/starting-size:bytes"},
	}
	metrics.Read(s)
	return memSample{s[0].Value.Uint64(), s[1].Value.Uint64(), s[2].Value.Uint64(), s[3].Value.Uint64()}
}

// parkGoroutines starts n goroutines that all block on one channel, measures
// the process while they wait, then releases and joins them all.
func parkGoroutines(n int) parkReport {
	runtime.GC() // start from a settled heap so the difference is theirs
	before := readMem()
	others := runtime.NumGoroutine()

	release := make(chan struct{})
	var ready, done sync.WaitGroup
	ready.Add(n)
	for range n {
		done.Go(func() {
			ready.Done()
			<-release // parked: no thread is held while waiting here
		})
	}
	ready.Wait()
	runtime.GC()
	after := readMem()
	r := parkReport{
		Parked:        n,
		GOMAXPROCS:    runtime.GOMAXPROCS(0),
		NumGoroutine:  runtime.NumGoroutine(),
		Others:        others,
		OSThreads:     osThreads(),
		RuntimeThread: after.threads,
		StackPerG:     perG(after.stacks, before.stacks, n),
		HeapPerG:      perG(after.objects, before.objects, n),
		StartingStack: after.startStack,
	}
	close(release)
	done.Wait()
	return r
}

func perG(after, before uint64, n int) float64 {
	if n == 0 || after < before {
		return 0
	}
	return float64(after-before) / float64(n)
}

// osThreads reads the kernel's count of this process's threads, or returns -1
// where there is no /proc (macOS, Windows).
func osThreads() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	n, ok := parseThreads(f)
	if !ok {
		return -1
	}
	return n
}

// parseThreads finds the "Threads:" line of a /proc/PID/status file.
func parseThreads(r io.Reader) (int, bool) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(rest))
			return n, err == nil
		}
	}
	return 0, false
}

func showCost(w io.Writer, n int) {
	r := parkGoroutines(n)
	fmt.Fprintf(w, "goroutines parked:           %d\n", r.Parked)
	fmt.Fprintf(w, "runtime.NumGoroutine():      %d (%d parked + %d already running, main among them)\n", r.NumGoroutine, r.Parked, r.Others)
	fmt.Fprintf(w, "GOMAXPROCS:                  %d (goroutines running Go code at any instant)\n", r.GOMAXPROCS)
	if r.OSThreads >= 0 {
		fmt.Fprintf(w, "OS threads (/proc):          %d\n", r.OSThreads)
	} else {
		fmt.Fprintf(w, "OS threads (/proc):          not available on %s\n", runtime.GOOS)
	}
	fmt.Fprintf(w, "OS threads (runtime metric): %d\n", r.RuntimeThread)
	fmt.Fprintf(w, "stack per goroutine:         %.0f bytes (starting size now %d)\n", r.StackPerG, r.StartingStack)
	fmt.Fprintf(w, "heap per goroutine:          %.0f bytes\n", r.HeapPerG)
}
