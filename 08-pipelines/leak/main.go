// Command leak is broken on purpose: a two-stage pipeline whose consumer
// returns as soon as it has found what it wanted. Nobody tells the stages,
// so each one stays blocked on its next send for the rest of the program.
// Nothing crashes and nothing is printed by the runtime: a goroutine leak
// is silent. Two tools see it:
//
//   - goleak, at the end of a test (the lesson's tests catch leakyGen);
//
//   - Go 1.26's experimental goroutine leak profile, computed by the garbage
//     collector: a goroutine blocked on a channel that nothing alive can
//     reach is reported. Run it with the experiment switched on:
//
//     GOEXPERIMENT=goroutineleakprofile go run ./08-pipelines/leak
//
// The fix is the lesson's pipeline.go: every send in a select with
// <-ctx.Done(), and the consumer cancels ctx when it stops.
package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

// numbers sends 1, 2, 3, ... for ever.
func numbers() <-chan int {
	out := make(chan int)
	go func() {
		for i := 1; ; i++ {
			out <- i // blocks forever once the consumer has gone
		}
	}()
	return out
}

// squares sends the square of each number it receives.
func squares(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		for n := range in {
			out <- n * n // blocks forever once the consumer has gone
		}
	}()
	return out
}

// firstSquareOver returns the first square above limit, and returns
// without a word to the stages behind it.
func firstSquareOver(limit int) int {
	for sq := range squares(numbers()) {
		if sq > limit {
			return sq // the leak: both stages are left blocked on a send
		}
	}
	return 0
}

func main() {
	limit := 1000
	f := lesson.NewFlags("08-pipelines/leak", "a pipeline whose consumer returns early and leaks its stages")
	f.Int(&limit, "limit", 1000, 1, 1_000_000_000, "find the first square above this")
	f.MustParse(os.Args[1:])

	before := runtime.NumGoroutine()
	sq := firstSquareOver(limit)
	fmt.Printf("first square over %d: %d\n", limit, sq)
	if err := waitUntilBlocked(2, 5*time.Second); err != nil {
		fmt.Fprintln(os.Stderr, "leak:", err)
		os.Exit(1)
	}
	fmt.Printf("goroutines: %d before, %d after it returned\n", before, runtime.NumGoroutine())

	leak := pprof.Lookup("goroutineleak")
	if leak == nil {
		fmt.Println("no goroutineleak profile in this build (GOEXPERIMENT=goroutineleakprofile go run ./08-pipelines/leak has one)")
		return
	}
	var buf bytes.Buffer
	if err := leak.WriteTo(&buf, 1); err != nil {
		fmt.Fprintln(os.Stderr, "leak:", err)
		os.Exit(1)
	}
	fmt.Printf("goroutineleak profile: %d leaked, started by: %s\n", leak.Count(), strings.Join(leakedFuncs(buf.String()), ", "))
}

// leakedFuncs lists the functions of this program that started the leaked
// goroutines, from the profile's debug=1 text, in the order it lists them.
// Each record's frames are "#\tpc\tfunction+off\tfile:line" lines; the first
// frame in package main names the goroutine's function.
func leakedFuncs(profile string) []string {
	frame := regexp.MustCompile(`^#\s+0x[0-9a-f]+\s+main\.([A-Za-z]+)`)
	var found []string
	for record := range strings.SplitSeq(profile, "\n\n") {
		for line := range strings.SplitSeq(record, "\n") {
			if m := frame.FindStringSubmatch(line); m != nil {
				found = append(found, m[1])
				break
			}
		}
	}
	return found
}

// waitUntilBlocked polls every goroutine's stack until n of this program's
// are parked on a channel send: the moment the leak is complete.
func waitUntilBlocked(n int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	buf := make([]byte, 1<<20)
	for {
		got := 0
		for g := range strings.SplitSeq(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "[chan send") && strings.Contains(g, "main.") {
				got++
			}
		}
		if got >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d goroutines blocked after %v", got, n, limit)
		}
		time.Sleep(time.Millisecond)
	}
}
