package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"strings"
	"sync"
	"time"
)

// The patient of section 1 is a CPU-bound pool: workers take job numbers
// from a channel, expand each into a buffer and checksum it. Nothing waits
// on anything; the question is only where the CPU time goes, and a CPU
// profile answers it: the runtime stops the program 100 times a second and
// notes which functions were on the stack.

// expand fills buf from seed, cheaply: about a quarter of the work.
//
//go:noinline
func expand(buf []byte, seed uint64) {
	x := seed | 1
	for i := range buf {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		buf[i] = byte(x)
	}
}

// checksum is the hot function: a few rounds of FNV-1a over buf.
//
//go:noinline
func checksum(buf []byte) uint64 {
	h := uint64(14695981039346656037)
	for range 4 {
		for _, b := range buf {
			h ^= uint64(b)
			h *= 1099511628211
		}
	}
	return h
}

// hashJob is one unit of the pool's work.
func hashJob(buf []byte, n uint64) uint64 {
	expand(buf, n)
	return checksum(buf)
}

// runCPUPool runs workers over n jobs, or until ctx is done, and returns
// how many jobs they finished.
func runCPUPool(ctx context.Context, workers, n int) int64 {
	jobs := make(chan uint64)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done int64
	)
	for range workers {
		wg.Go(func() {
			buf := make([]byte, 16<<10)
			var n int64
			for j := range jobs {
				_ = hashJob(buf, j)
				n++
			}
			mu.Lock()
			done += n
			mu.Unlock()
		})
	}
	for j := uint64(0); j < uint64(n) && ctx.Err() == nil; j++ {
		select {
		case jobs <- j:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	return done
}

func showCPUProfile(ctx context.Context, w io.Writer) error {
	return withDir(func(dir string) error {
		path := filepath.Join(dir, "cpu.pprof")
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		// A fixed amount of work, not a fixed time: the profile then has
		// about the same number of samples (one per 10 ms of CPU) however
		// busy the machine is. The default window gives a few dozen.
		jobs := scaled(3000)
		start := time.Now()
		done := runCPUPool(ctx, cfg.workers, jobs)
		took := time.Since(start)
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(w, "%d workers hashed %d buffers of 16 KiB in %s with the CPU profiler on;\n", cfg.workers, done, took.Round(time.Millisecond))
		fmt.Fprintf(w, "profile written to %s. The functions with the most samples of their own:\n", where(dir, "cpu.pprof"))
		rows, err := pprofTop(ctx, path, "^"+regexp.QuoteMeta(ourPrefix))
		if err != nil {
			fmt.Fprintf(w, "   (could not run go tool pprof: %v)\n", err)
		}
		for _, r := range rows[:min(2, len(rows))] {
			fmt.Fprintf(w, "   %s (%s of the samples)\n", r.name, r.flatPct)
		}
		fmt.Fprintln(w, "Read it yourself: go tool pprof -top FILE, -list 'main.checksum$' for its lines,")
		fmt.Fprintln(w, "or -http=: for the flame graph. The hot loop is checksum's, as it should be.")
		return nil
	})
}

// A topRow is one line of go tool pprof -top.
type topRow struct{ flatPct, cumPct, name string }

// pprofTop runs go tool pprof -top on a profile, keeping the functions
// whose names match show, and returns its rows in pprof's order.
func pprofTop(ctx context.Context, path, show string) ([]topRow, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-show="+show, path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return parseTop(out)
}

// parseTop reads the rows of pprof -top's text: flat flat% sum% cum cum% name.
func parseTop(out []byte) ([]topRow, error) {
	var rows []topRow
	sc := bufio.NewScanner(bytes.NewReader(out))
	header := false
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 5 && f[0] == "flat" {
			header = true
			continue
		}
		if header && len(f) >= 6 {
			name, _ := ours(strings.Join(f[5:], " "))
			rows = append(rows, topRow{flatPct: f[1], cumPct: f[4], name: name})
		}
	}
	if !header {
		return nil, errors.New("no table in pprof's output")
	}
	return rows, nil
}
