// Command allocheavy has an allocation-heavy hot path, on purpose: a
// handler that renders a small report by concatenating strings and
// formatting with fmt, dozens of allocations per call. Every allocation is
// work for the garbage collector, which runs alongside every goroutine. The
// allocs profile names the function; testing.AllocsPerRun counts.
//
//	go run ./10-profiling/allocheavy
//	go run ./10-profiling/allocheavy -profile /tmp/allocs.pprof && go tool pprof -sample_index=alloc_space -top /tmp/allocs.pprof
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"

	"github.com/gocourse/concurrency/internal/lesson"
)

type row struct {
	name  string
	value int
}

var rows = []row{{"alpha", 1}, {"beta", 22}, {"gamma", 333}, {"delta", 4444}, {"epsilon", 55555}}

// render is the hot path: each += copies the whole string so far, and each
// Sprintf boxes its arguments and makes a new string.
func render(rs []row) string {
	out := ""
	for _, r := range rs {
		out += fmt.Sprintf("%s=%d;", r.name, r.value)
	}
	return strings.ToUpper(out)
}

// renderTo is the fix: append into the caller's buffer, no fmt, no
// intermediate strings.
func renderTo(dst []byte, rs []row) []byte {
	for _, r := range rs {
		for i := 0; i < len(r.name); i++ {
			dst = append(dst, r.name[i]-'a'+'A')
		}
		dst = append(dst, '=')
		dst = strconv.AppendInt(dst, int64(r.value), 10)
		dst = append(dst, ';')
	}
	return dst
}

func main() {
	var path string
	f := lesson.NewFlags("10-profiling/allocheavy", "an allocation-heavy hot path, counted and profiled")
	f.StringVar(&path, "profile", "", "also write the allocs profile to this `file`")
	f.MustParse(os.Args[1:])

	runtime.MemProfileRate = 1 // record every allocation: fine for a short demo
	var sink string
	heavy := testing.AllocsPerRun(2000, func() { sink = render(rows) })
	buf := make([]byte, 0, 256)
	light := testing.AllocsPerRun(2000, func() { buf = renderTo(buf[:0], rows) })
	if sink != string(buf) {
		fmt.Fprintln(os.Stderr, "allocheavy: the two renderings differ:", sink, string(buf))
		os.Exit(1)
	}
	runtime.GC()
	var prof bytes.Buffer
	pprof.Lookup("allocs").WriteTo(&prof, 1)
	if path != "" {
		if err := writeProfile(path); err != nil {
			fmt.Fprintln(os.Stderr, "allocheavy:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("render:   %.0f allocations per call\n", heavy)
	fmt.Printf("renderTo: %.0f allocations per call\n", light)
	fmt.Printf("allocs profile: most bytes allocated in %s\n", topSite(prof.String()))
}

// topSite is the first function of this program in the profile's records,
// weighted by bytes allocated.
func topSite(text string) string {
	sum := map[string]int64{}
	var n int64
	open := false
	for line := range strings.SplitSeq(text, "\n") {
		if i := strings.Index(line, "["); i > 0 && strings.Contains(line, "] @ ") && !strings.HasPrefix(line, "heap profile") {
			fs := strings.Fields(line[i+1 : strings.Index(line, "]")])
			n, _ = strconv.ParseInt(fs[len(fs)-1], 10, 64)
			open = true
			continue
		}
		if fs := strings.Fields(line); open && len(fs) >= 3 && fs[0] == "#" && strings.HasPrefix(fs[2], "main.") {
			sum[fs[2][:strings.LastIndex(fs[2], "+0x")]] += n
			open = false
		}
	}
	best, bn := "", int64(0)
	for fn, b := range sum {
		if b > bn || b == bn && fn < best {
			best, bn = fn, b
		}
	}
	return best
}

func writeProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
