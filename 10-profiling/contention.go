package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"
)

const bankAccounts = 32

// showContention profiles the one-lock bank, then measures each fix.
//
// The block profile records where goroutines waited (on a channel, a select,
// a mutex, a WaitGroup) and for how long; SetBlockProfileRate(1) records
// every event. The mutex profile records contended locks, charged to the
// goroutine that held the lock while others waited, at its Unlock;
// SetMutexProfileFraction(1) records every contention. Both cost little per
// event but are off by default, so a program has to switch them on.
func showContention(ctx context.Context, w io.Writer) error {
	return withDir(func(dir string) error {
		runtime.SetBlockProfileRate(1)
		prevFrac := runtime.SetMutexProfileFraction(1)
		defer runtime.SetBlockProfileRate(0)
		defer runtime.SetMutexProfileFraction(prevFrac)

		fmt.Fprintf(w, "%d workers move money between %d accounts for %s per design.\n", cfg.workers, bankAccounts, cfg.window/2)
		fmt.Fprintln(w, "The one-lock bank, profiled:")
		mutexBefore, blockBefore := readContention("mutex"), readContention("block")
		b := newOneLock(bankAccounts, 1000)
		// On a machine too busy to run two workers at once there may be no
		// contention in one short run; run again, a few times at most,
		// until the profile has caught some.
		for range 10 {
			measure(ctx, b)
			if topFrame(diff(readContention("mutex"), mutexBefore), "sync.(*Mutex).Unlock") != "" || ctx.Err() != nil {
				break
			}
		}
		for _, p := range []struct{ name, file string }{{"mutex", "mutex.pprof"}, {"block", "block.pprof"}} {
			if err := writeProfile(p.name, filepath.Join(dir, p.file)); err != nil {
				return err
			}
		}
		mt := topFrame(diff(readContention("mutex"), mutexBefore), "sync.(*Mutex).Unlock")
		// The block profile also holds the main goroutine's wait in
		// WaitGroup.Wait for the workers, the longest of all: keep the
		// stacks that went through Mutex.Lock.
		bt := topFrame(diff(readContention("block"), blockBefore), "sync.(*Mutex).Lock")
		fmt.Fprintf(w, "   mutex profile: most waiting caused at the Unlock in %s\n", mt)
		fmt.Fprintf(w, "   block profile: most waiting done at the Lock in %s\n", bt)
		fmt.Fprintf(w, "   (written to %s and %s: go tool pprof -top FILE)\n", where(dir, "mutex.pprof"), where(dir, "block.pprof"))

		fmt.Fprintln(w, "Each design, measured the same way (transfers per second, and the lock wait")
		fmt.Fprintln(w, "that runtime/metrics counted per transfer; the ratio is against one lock):")
		var base float64
		for _, d := range bankDesigns {
			before := readContention("mutex")
			b := d.new(bankAccounts, 1000)
			m := measure(ctx, b)
			if base == 0 {
				base = m.perSecond
			}
			top := topFrame(diff(readContention("mutex"), before), "")
			if top == "" {
				top = "none"
			}
			fmt.Fprintf(w, "   %-8s %-48s %5.2fx  wait %6.0f ns/transfer  money kept: %t\n",
				d.name, d.note, m.perSecond/base, m.waitPerOp, b.Total() == bankAccounts*1000)
			fmt.Fprintf(w, "            mutex profile's top frame: %s\n", top)
		}
		fmt.Fprintln(w, "(ratios vary from run to run; the benchmarks in bench_test.go measure them properly)")
		return nil
	})
}

type bankMeasure struct {
	perSecond float64 // transfers asked for per second
	waitPerOp float64 // ns of mutex wait per transfer
}

// measure drives b for half a window and reads the mutex wait from
// runtime/metrics around it.
func measure(ctx context.Context, b contendedBank) bankMeasure {
	wait0 := mutexWait()
	start := time.Now()
	runCtx, cancel := context.WithTimeout(ctx, cfg.window/2)
	n := driveBank(runCtx, b, cfg.workers, bankAccounts)
	cancel()
	took := time.Since(start)
	wait := mutexWait() - wait0
	return bankMeasure{perSecond: float64(n) / took.Seconds(), waitPerOp: float64(wait) / float64(max(n, 1))}
}

// mutexWait is the time goroutines have spent blocked on sync.Mutex and
// sync.RWMutex (and the runtime's own locks) since the program started.
func mutexWait() time.Duration {
	s := []metrics.Sample{{Name: "/sync/mutex/wait/total:seconds"}}
	metrics.Read(s)
	return time.Duration(s[0].Value.Float64() * float64(time.Second))
}

func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// A contention profile read from its debug=1 text: for each stack, the
// cycles spent waiting, and the stack's frames, innermost first.
type contention map[string]*record

type record struct {
	cycles int64
	frames []string
}

// readContention reads the mutex or block profile as text. The profiles
// count from the start of the program, so a section subtracts the one it
// read before (diff) to see only its own waits.
func readContention(name string) contention {
	var buf bytes.Buffer
	pprof.Lookup(name).WriteTo(&buf, 1)
	return parseContention(buf.String())
}

// parseContention reads "cycles count @ pc pc..." records, each followed by
// "#\tpc\tfunction+off\tfile:line" lines.
func parseContention(text string) contention {
	c := contention{}
	var cur *record
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if at := strings.Index(line, " @ "); at > 0 && !strings.HasPrefix(line, "#") {
			f := strings.Fields(line[:at])
			if len(f) != 2 {
				cur = nil
				continue
			}
			cycles, _ := strconv.ParseInt(f[0], 10, 64)
			cur = &record{cycles: cycles}
			c[line[at:]] = cur
			continue
		}
		if cur != nil && strings.HasPrefix(line, "#") {
			if f := strings.Fields(line); len(f) >= 3 {
				fn := f[2]
				if i := strings.LastIndex(fn, "+0x"); i > 0 {
					fn = fn[:i]
				}
				cur.frames = append(cur.frames, fn)
			}
		}
	}
	return c
}

// diff is what a has that b did not.
func diff(a, b contention) contention {
	out := contention{}
	for k, r := range a {
		d := r.cycles
		if old := b[k]; old != nil {
			d -= old.cycles
		}
		if d > 0 {
			out[k] = &record{cycles: d, frames: r.frames}
		}
	}
	return out
}

// topFrame is the first function of this program on the stack that waited
// longest in total, summed over the stacks that share it. With via set, only
// stacks that pass through that function count.
func topFrame(c contention, via string) string {
	sum := map[string]int64{}
	for _, r := range c {
		if via != "" && !slices.Contains(r.frames, via) {
			continue
		}
		for _, f := range r.frames {
			if name, ok := ours(f); ok {
				sum[name] += r.cycles
				break
			}
		}
	}
	best, bestN := "", int64(0)
	for f, n := range sum {
		if n > bestN || n == bestN && f < best {
			best, bestN = f, n
		}
	}
	return best
}
