package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

// The hot path of section 6: every request of a server writes one line of
// log. Done the easy way, each line costs several allocations; the garbage
// collector, running concurrently, then costs every goroutine some CPU and
// some latency. sync.Pool lets goroutines reuse buffers instead.

type event struct {
	ID     int
	User   string
	Amount int64
}

// writeEventNaive formats with fmt into a fresh buffer: easy, and every call
// allocates.
func writeEventNaive(w io.Writer, e event) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "id=%d user=%s amount=%d\n", e.ID, e.User, e.Amount)
	w.Write(b.Bytes())
}

// bufPool holds *[]byte, not []byte: putting a slice header in an interface
// would itself allocate (staticcheck's SA6002).
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// writeEventPooled appends into a buffer borrowed from bufPool, so a busy
// server reuses a handful of buffers instead of making one per line.
func writeEventPooled(w io.Writer, e event) {
	bp := bufPool.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, "id="...)
	b = strconv.AppendInt(b, int64(e.ID), 10)
	b = append(b, " user="...)
	b = append(b, e.User...)
	b = append(b, " amount="...)
	b = strconv.AppendInt(b, e.Amount, 10)
	b = append(b, '\n')
	w.Write(b)
	*bp = b
	bufPool.Put(bp)
}

var sampleEvent = event{ID: 4242, User: "ada", Amount: 1_000_000}

// parallelNsPerOp runs f from workers goroutines, n calls each, and returns
// the wall time per call.
func parallelNsPerOp(workers, n int, f func()) float64 {
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for range n {
				f()
			}
		})
	}
	wg.Wait()
	return float64(time.Since(start).Nanoseconds()) / float64(workers*n)
}

func showAllocation(ctx context.Context, w io.Writer) error {
	return withDir(func(dir string) error {
		naive := func() { writeEventNaive(io.Discard, sampleEvent) }
		pooled := func() { writeEventPooled(io.Discard, sampleEvent) }
		n := scaled(20_000)
		// Sample one allocation in 4 KiB instead of 512 KiB, so a short run
		// is enough for a profile.
		prev := runtime.MemProfileRate
		runtime.MemProfileRate = 4096
		runtime.GC() // the allocs profile shows what was allocated up to the last GC
		before := parseAllocs(readAllocs())
		nsNaive := parallelNsPerOp(cfg.workers, n, naive)
		runtime.GC()
		runtime.MemProfileRate = prev
		site := topAllocSite(parseAllocs(readAllocs()), before)
		if err := writeProfile("allocs", filepath.Join(dir, "allocs.pprof")); err != nil {
			return err
		}
		if err := writeProfile("heap", filepath.Join(dir, "heap.pprof")); err != nil {
			return err
		}
		nsPooled := parallelNsPerOp(cfg.workers, n, pooled)
		fmt.Fprintf(w, "A log line per request, %d goroutines x %d lines, written two ways:\n", cfg.workers, n)
		fmt.Fprintf(w, "   fmt into a new buffer  %4.0f allocs/line  %6.0f ns/line\n", testing.AllocsPerRun(1000, naive), nsNaive)
		fmt.Fprintf(w, "   sync.Pool + strconv    %4.0f allocs/line  %6.0f ns/line\n", testing.AllocsPerRun(1000, pooled), nsPooled)
		fmt.Fprintf(w, "   the allocs profile's top allocation site: %s\n", site)
		fmt.Fprintf(w, "   (profiles in %s and %s: go tool pprof -sample_index=alloc_space -top FILE)\n", where(dir, "allocs.pprof"), where(dir, "heap.pprof"))
		fmt.Fprintln(w)
		return gcKnobs(ctx, w)
	})
}

// readAllocs is the allocs profile as text (debug=1).
func readAllocs() string {
	var b bytes.Buffer
	pprof.Lookup("allocs").WriteTo(&b, 1)
	return b.String()
}

// parseAllocs reads records of the form
// "inuse_objects: inuse_bytes [alloc_objects: alloc_bytes] @ pcs", each
// followed by frame lines, into the bytes allocated so far per stack, and
// the first function of this program on each stack. Stacks through
// runtime/pprof (the profile being read) are left out.
func parseAllocs(text string) map[string]allocRecord {
	recs := map[string]allocRecord{}
	var key string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "["); i > 0 && strings.Contains(line, "] @ ") && !strings.HasPrefix(line, "heap profile") {
			key = ""
			f := strings.Fields(strings.Trim(line[i:strings.Index(line, "]")], "[]"))
			if len(f) == 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				key = line[strings.Index(line, " @ "):]
				recs[key] = allocRecord{bytes: n}
			}
			continue
		}
		if _, ok := recs[key]; ok && strings.HasPrefix(line, "#") && strings.Contains(line, "runtime/pprof.") {
			// Reading a profile allocates too; that is the measurement,
			// not the program.
			delete(recs, key)
			key = ""
			continue
		}
		if r, ok := recs[key]; ok && r.fn == "" && strings.HasPrefix(line, "#") {
			if f := strings.Fields(line); len(f) >= 3 {
				if fn, ok := ours(f[2][:max(strings.LastIndex(f[2], "+0x"), 0)]); ok {
					r.fn = fn
					recs[key] = r
				}
			}
		}
	}
	return recs
}

type allocRecord struct {
	bytes int64
	fn    string
}

// topAllocSite is the function of this program whose stacks allocated the
// most bytes between the profiles before and after.
func topAllocSite(after, before map[string]allocRecord) string {
	sum := map[string]int64{}
	for k, r := range after {
		// Reading and parsing the profile allocates too, and shows up in the
		// next one: that is the measurement, not the program.
		if r.fn != "" && r.fn != "main.readAllocs" && r.fn != "main.parseAllocs" {
			sum[r.fn] += r.bytes - before[k].bytes
		}
	}
	best, n := "", int64(0)
	for f, b := range sum {
		if b > n || b == n && f < best {
			best, n = f, b
		}
	}
	return best
}

// gcKnobs runs the same garbage-making child under several GOGC and
// GOMEMLIMIT settings, then under taskset.
func gcKnobs(ctx context.Context, w io.Writer) error {
	bin, err := harness.Build(ctx, "./10-profiling/gcload", false)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "The same program (go run ./10-profiling/gcload: 30 MB live, 60 MB of garbage) under")
	fmt.Fprintln(w, "different collector settings:")
	for _, env := range [][]string{
		{"GOGC=100"}, {"GOGC=25"}, {"GOGC=400"}, {"GOGC=off", "GOMEMLIMIT=64MiB"},
	} {
		res, err := harness.Exec(ctx, bin, harness.Options{Env: env, Timeout: 30 * time.Second})
		if err != nil {
			return err
		}
		if res.ExitCode != 0 {
			return fmt.Errorf("gcload %v: %s", env, res.String())
		}
		fmt.Fprintf(w, "   %-28s %s", strings.Join(env, " "), res.Stdout)
	}
	fmt.Fprintln(w, "Less GC work costs a higher ceiling; GOMEMLIMIT caps the ceiling and lets the GC")
	fmt.Fprintln(w, "run only as often as the cap needs.")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "GOMAXPROCS follows the CPUs the process may use (cgroup limits too, since Go 1.25):\n")
	if _, err := exec.LookPath("taskset"); err != nil {
		fmt.Fprintln(w, "   (taskset is not installed here; on Linux it is in util-linux)")
		return nil
	}
	for _, cpus := range []string{"", "0"} {
		var res harness.Result
		var err error
		label := "no limit"
		if cpus == "" {
			res, err = harness.Exec(ctx, bin, harness.Options{Args: []string{"-procs"}})
		} else {
			label = "taskset -c " + cpus
			res, err = harness.Exec(ctx, "taskset", harness.Options{Args: []string{"-c", cpus, bin, "-procs"}})
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "   %-16s %s", label, res.Stdout)
	}
	return nil
}
