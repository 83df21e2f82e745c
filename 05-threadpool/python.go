package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

// seedPython is the tutorial's example in CPython, timed like SeedCost.
//
//go:embed seed.py
var seedPython string

// PythonSeed is what seed.py measured.
type PythonSeed struct {
	Counts  []int
	Pool    time.Duration // ThreadPoolExecutor(4): create, submit 4, leave the with-block
	Direct  time.Duration // the four functions called one after another
	Version string
}

// RunPythonSeed runs seed.py with python3 from PATH on sentence. It returns
// exec.ErrNotFound (wrapped) when there is no python3.
func RunPythonSeed(ctx context.Context, sentence string) (PythonSeed, error) {
	python, err := exec.LookPath("python3")
	if err != nil {
		return PythonSeed{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := harness.Command(ctx, python, "-c", seedPython, sentence).Output()
	if err != nil {
		return PythonSeed{}, fmt.Errorf("python3 seed.py: %w", err)
	}
	return parsePythonSeed(string(out))
}

// parsePythonSeed reads seed.py's one line:
// counts=19,93,31,13 pool_ns=596193 direct_ns=11461 python=3.11.7
func parsePythonSeed(line string) (PythonSeed, error) {
	var p PythonSeed
	fields := map[string]string{}
	for _, f := range strings.Fields(line) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return p, fmt.Errorf("python3 seed.py: unexpected output %q", line)
		}
		fields[k] = v
	}
	for _, c := range strings.Split(fields["counts"], ",") {
		n, err := strconv.Atoi(c)
		if err != nil {
			return p, fmt.Errorf("python3 seed.py: counts in %q: %w", line, err)
		}
		p.Counts = append(p.Counts, n)
	}
	for key, d := range map[string]*time.Duration{"pool_ns": &p.Pool, "direct_ns": &p.Direct} {
		ns, err := strconv.ParseInt(fields[key], 10, 64)
		if err != nil {
			return p, fmt.Errorf("python3 seed.py: %s in %q: %w", key, line, err)
		}
		*d = time.Duration(ns)
	}
	p.Version = fields["python"]
	return p, nil
}

// runPython prints the CPython numbers beside Go's.
func runPython(ctx context.Context, w io.Writer, goPool, goDirect time.Duration) {
	p, err := RunPythonSeed(ctx, Sentence)
	if err != nil {
		fmt.Fprintf(w, "the same in CPython: skipped (%v)\n", err)
		return
	}
	fmt.Fprintf(w, "the same in CPython %s (05-threadpool/seed.py, median of 200 runs):\n", p.Version)
	fmt.Fprintf(w, "  ThreadPoolExecutor(4) round trip:       %v = %.0fx Go's\n",
		p.Pool.Round(time.Microsecond), float64(p.Pool)/float64(max(goPool, 1)))
	fmt.Fprintf(w, "  the four functions alone, one by one:   %v = %.1fx Go's\n",
		p.Direct.Round(100*time.Nanosecond), float64(p.Direct)/float64(max(goDirect, 1)))
	fmt.Fprintf(w, "  so the counting is %.1f%% of Python's round trip\n", 100*float64(p.Direct)/float64(max(p.Pool, 1)))
}
