// Command gcload makes garbage at a steady rate while keeping a fixed amount
// of memory live, and reports what the garbage collector did. Run it under
// different settings to see what GOGC and GOMEMLIMIT trade:
//
//	GOGC=25  go run ./10-profiling/gcload
//	GOGC=400 go run ./10-profiling/gcload
//	GOGC=off GOMEMLIMIT=64MiB go run ./10-profiling/gcload
//	taskset -c 0 go run ./10-profiling/gcload -procs
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

var sink []byte

func main() {
	var procs bool
	var liveMB, garbageMB int
	f := lesson.NewFlags("10-profiling/gcload", "make garbage with a fixed live heap and report GC cycles, memory ceiling and time")
	f.BoolVar(&procs, "procs", false, "only print GOMAXPROCS and the CPUs this process may use")
	f.Int(&liveMB, "live", 30, 1, 4096, "MB kept live throughout")
	f.Int(&garbageMB, "garbage", 60, 1, 100_000, "MB of short-lived allocations")
	f.MustParse(os.Args[1:])
	if procs {
		fmt.Printf("GOMAXPROCS=%d (runtime.NumCPU()=%d)\n", runtime.GOMAXPROCS(0), runtime.NumCPU())
		return
	}
	live := make([][]byte, liveMB*16)
	for i := range live {
		live[i] = make([]byte, 64<<10)
	}
	start := time.Now()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range garbageMB * 64 {
		sink = make([]byte, 16<<10)
		sink[0] = byte(i)
	}
	took := time.Since(start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(live)
	fmt.Printf("GC cycles %3d, heap from the OS %4d MB, took %s\n",
		after.NumGC-before.NumGC, after.HeapSys>>20, took.Round(time.Millisecond))
}
