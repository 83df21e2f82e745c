// Command 10-profiling takes slow and stuck concurrent programs and finds
// out why, with the tools Go ships: CPU, block and mutex profiles, goroutine
// dumps, the execution tracer and its flight recorder, runtime/metrics, heap
// profiles and benchstat. Each diagnosis is fixed and the fix measured.
//
//	go run ./10-profiling                 # every section, a few seconds
//	go run ./10-profiling -dir /tmp/prof  # keep the profiles and traces
//	go run ./10-profiling serve -pprof -flight 50ms   # a server to profile live
//
// Every profile and trace goes to a temporary directory that the section
// removes when it ends, or to -dir: never into the repository.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
	"github.com/gocourse/concurrency/internal/lesson"
)

// config is what the flags change; the defaults tell the story in seconds.
type config struct {
	dir     string        // where profiles go; "" means a temp dir per section
	window  time.Duration // how long each profile or measurement runs
	workers int           // goroutines in the pools
}

var cfg config

const defaultWindow = 300 * time.Millisecond

var chapter = &lesson.Lesson{
	Name:  "10-profiling",
	Title: "Profiling: find out why concurrent code is slow, or where it is stuck",
	Flags: func(f *lesson.Flags) {
		f.StringVar(&cfg.dir, "dir", "", "keep profiles and traces in this `directory` (default: a temp dir, removed)")
		f.Duration(&cfg.window, "window", defaultWindow, 50*time.Millisecond, time.Minute, "how long each profile or measurement runs")
		f.Int(&cfg.workers, "workers", 4, 1, 256, "goroutines in each pool")
	},
	Sections: []lesson.Section{
		{Title: "CPU profile", Run: showCPUProfile},
		{Title: "Where goroutines wait: block and mutex profiles", Run: showContention},
		{Title: "Stuck programs", Run: showStuck},
		{Title: "The execution tracer", Run: showTracer},
		{Title: "Scheduler and runtime metrics, live", Run: showMetrics},
		{Title: "Allocation and GC under concurrency", Run: showAllocation},
		{Title: "Comparing benchmarks honestly", Run: showBenchstat},
	},
	Commands: []lesson.Command{
		{Name: "serve", Summary: "a small HTTP server to profile live (net/http/pprof, flight recorder)", Flags: serveFlags, Run: serve},
	},
	Next: "11-distributed, where the work queue moves into a real broker and outgrows one machine.",
}

// main is lesson.Main with one more step: the children that sections
// build with the harness are removed before the program exits.
func main() {
	ctx, stop := lesson.InterruptContext(context.Background(), os.Stderr)
	code := chapter.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err := harness.Cleanup(); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, "10-profiling:", err)
		code = 1
	}
	os.Exit(code)
}

// withDir runs f with the directory its files go to: -dir when given (and
// kept), else a new temporary directory removed when f returns.
func withDir(f func(dir string) error) error {
	if cfg.dir != "" {
		if err := os.MkdirAll(cfg.dir, 0o755); err != nil {
			return err
		}
		return f(cfg.dir)
	}
	dir, err := os.MkdirTemp("", "10-profiling-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	return f(dir)
}

// where names dir for the output: the real path with -dir, else a
// placeholder, since the temporary directory is gone when the program ends.
func where(dir, name string) string {
	if cfg.dir == "" {
		return "$TMP/" + name
	}
	return filepath.Join(dir, name)
}

// ourPrefix is how this package's functions are named in profiles and
// dumps: "main." when it runs as a program, its import path and a dot when
// it runs as a test.
var ourPrefix = func() string {
	name := runtime.FuncForPC(reflect.ValueOf(withDir).Pointer()).Name()
	return strings.TrimSuffix(name, "withDir")
}()

// ours reports whether fn, a function name from a profile or a dump, is
// this package's, and returns it as "main.NAME" either way.
func ours(fn string) (string, bool) {
	if rest, ok := strings.CutPrefix(fn, ourPrefix); ok {
		return "main." + rest, true
	}
	return fn, strings.HasPrefix(fn, "main.")
}

// scaled is n for the default -window, and in proportion for others: the
// work a section does grows and shrinks with the window.
func scaled(n int) int {
	return max(1, int(int64(n)*int64(cfg.window)/int64(defaultWindow)))
}
