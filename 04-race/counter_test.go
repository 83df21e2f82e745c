package main

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every fix counts every increment, under -race, at several shapes.
func TestStrategiesCountEverything(t *testing.T) {
	sizes := []struct{ goroutines, per int }{
		{1, 1}, {2, 1000}, {8, 2000}, {runtime.GOMAXPROCS(0) * 4, 500},
	}
	for _, s := range strategies {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s/%dx%d", s.name, sz.goroutines, sz.per), func(t *testing.T) {
				assert.Equal(t, sz.goroutines*sz.per, s.count(sz.goroutines, sz.per))
			})
		}
	}
}

func Example_fixes() {
	showFixes(os.Stdout, config{goroutines: 4, per: 2500})
	// Output:
	// 4 goroutines, 2500 increments each, want 10000
	// mutex     10000  one shared int, each ++ under sync.Mutex
	// atomic    10000  one shared atomic.Int64, each ++ is Add(1)
	// channel   10000  one owner goroutine, the others send it +1s
	// confined  10000  each goroutine counts its own; merged after Wait
}

// BenchmarkCount runs each fix with GOMAXPROCS goroutines sharing 100000
// increments and reports the cost per increment (ns/inc).
func BenchmarkCount(b *testing.B) {
	const total = 100_000
	g := runtime.GOMAXPROCS(0)
	for _, s := range strategies {
		b.Run(s.name, func(b *testing.B) {
			for b.Loop() {
				if got := s.count(g, total/g); got != total/g*g {
					b.Fatalf("counted %d", got)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/inc")
		})
	}
}
