package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

// Section 7 measures the log line of section 6 as a benchmark would, writes
// the results in Go's benchmark format, and lets benchstat compare them.
// go test -bench -count 10 would do the same with more care (bench_test.go
// has the real benchmarks); doing it here keeps the lesson to seconds.

// sample measures f once: ns, bytes and allocations per call, from workers
// goroutines.
func sample(f func(), workers, n int) (ns, bytesPer, allocs float64) {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	ns = parallelNsPerOp(workers, n, f)
	runtime.ReadMemStats(&b)
	ops := float64(workers * n)
	return ns, float64(b.TotalAlloc-a.TotalAlloc) / ops, float64(b.Mallocs-a.Mallocs) / ops
}

// benchLine is one result in the format go test -bench prints.
func benchLine(name string, n int, ns, bytesPer, allocs float64) string {
	return fmt.Sprintf("Benchmark%s-%d\t%8d\t%10.1f ns/op\t%8.0f B/op\t%8.0f allocs/op\n",
		name, runtime.GOMAXPROCS(0), n, ns, bytesPer, allocs)
}

func benchHeader() string {
	return fmt.Sprintf("goos: %s\ngoarch: %s\npkg: github.com/gocourse/concurrency/10-profiling\n", runtime.GOOS, runtime.GOARCH)
}

// interleaved runs a and b in turns, count times each, so that whatever the
// machine does meanwhile (other builds, a CPU slowing down when hot) falls
// on both alike, and returns their results as two benchmark files.
func interleaved(name string, a, b func(), count int) (fa, fb string) {
	n := scaled(2000)
	var ba, bb strings.Builder
	ba.WriteString(benchHeader())
	bb.WriteString(benchHeader())
	for range count {
		ns, by, al := sample(a, cfg.workers, n)
		ba.WriteString(benchLine(name, n*cfg.workers, ns, by, al))
		ns, by, al = sample(b, cfg.workers, n)
		bb.WriteString(benchLine(name, n*cfg.workers, ns, by, al))
	}
	return ba.String(), bb.String()
}

// benchstat runs go tool benchstat on the named files (written to dir) and
// returns its output.
func benchstat(ctx context.Context, dir string, files map[string]string, names ...string) (string, error) {
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return "", err
		}
	}
	bin, err := benchstatBinary(ctx)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, names...)
	cmd.Dir = dir // so its columns are named by the files' short names
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go tool benchstat: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// benchstatBinary builds the module's benchstat tool, if need be, and
// returns its path: go tool -n prints it instead of running it.
//
// Only standard output is the path. The first time, the go command also says
// on standard error what it downloads ("go: downloading golang.org/x/perf
// ..."); read together, those lines became part of the "path", and the
// lesson failed on any machine that had not fetched benchstat yet.
func benchstatBinary(ctx context.Context) (string, error) {
	root, err := harness.ModuleRoot()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "tool", "-n", "benchstat")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go tool -n benchstat: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return toolPath(out)
}

// toolPath is the executable that go tool -n printed on its standard output:
// one line, a file that exists.
func toolPath(stdout []byte) (string, error) {
	path := strings.TrimSpace(string(stdout))
	if path == "" || strings.Contains(path, "\n") {
		return "", fmt.Errorf("go tool -n benchstat printed %q, not one path", path)
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("go tool -n benchstat printed %s: %w", path, err)
	}
	return path, nil
}

func showBenchstat(ctx context.Context, w io.Writer) error {
	return withDir(func(dir string) error {
		naive := func() { writeEventNaive(io.Discard, sampleEvent) }
		pooled := func() { writeEventPooled(io.Discard, sampleEvent) }

		before, after := interleaved("LogLine", naive, pooled, 10)
		out, err := benchstat(ctx, dir, map[string]string{"before.txt": before, "after.txt": after}, "before.txt", "after.txt")
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "The log line before (fmt) and after (sync.Pool), 10 runs each, interleaved:")
		fmt.Fprintln(w, "go tool benchstat before.txt after.txt")
		printIndented(w, out)

		fmt.Fprintln(w, "The same code against itself (an A/A test): any difference is noise.")
		a1, a2 := interleaved("LogLine", naive, naive, 10)
		one1, one2 := interleaved("LogLine", naive, naive, 1)
		out, err = benchstat(ctx, dir, map[string]string{"a.txt": a1, "b.txt": a2, "a1.txt": one1, "b1.txt": one2}, "a1.txt", "b1.txt")
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "One run each: a difference with no confidence interval at all:")
		printIndented(w, firstTable(out))
		out, err = benchstat(ctx, dir, nil, "a.txt", "b.txt")
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "Ten runs each: benchstat says whether the difference is more than noise (~ = no):")
		printIndented(w, firstTable(out))
		fmt.Fprintf(w, "(files in %s)\n", where(dir, "before.txt"))
		return nil
	})
}

// printIndented prints benchstat's table without its goos/goarch/pkg lines.
func printIndented(w io.Writer, out string) {
	for line := range strings.SplitSeq(strings.TrimRight(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "goos:") || strings.HasPrefix(line, "goarch:") || strings.HasPrefix(line, "pkg:") {
			continue
		}
		fmt.Fprintf(w, "   %s\n", line)
	}
}

// firstTable is benchstat's output up to its first blank line: the sec/op
// table.
func firstTable(out string) string {
	if i := strings.Index(out, "\n\n"); i >= 0 {
		return out[:i+1]
	}
	return out
}
