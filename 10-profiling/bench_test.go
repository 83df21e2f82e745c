package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/gocourse/concurrency/internal/cputime"
)

// The numbers on the page, ten samples of each, interleaved:
//
//	d=$(mktemp -d); go test -c -o $d/t.test ./10-profiling
//	for i in $(seq 10); do $d/t.test -test.run '^$' -test.bench . -test.benchmem -test.benchtime 200ms; done > $d/new.txt
//	go tool benchstat -col /design -filter '.name:Bank' $d/new.txt    (and /path, /recorder)

// BenchmarkBank makes transfers from many goroutines at once in each design:
// the numbers behind section 2's ratios.
func BenchmarkBank(b *testing.B) {
	for _, d := range bankDesigns {
		b.Run("design="+d.name, func(b *testing.B) {
			bank := d.new(bankAccounts, 1000)
			var seed atomic.Uint64
			b.SetParallelism(2) // 2 goroutines per processor: more than the processors
			b.RunParallel(func(pb *testing.PB) {
				t := bank.Teller()
				r := rand.New(rand.NewPCG(seed.Add(1), 10))
				for pb.Next() {
					from := r.IntN(bankAccounts)
					to := (from + 1 + r.IntN(bankAccounts-1)) % bankAccounts
					t.Transfer(from, to, 1+r.Int64N(10))
				}
				t.Flush()
			})
		})
	}
}

// BenchmarkLogLine is section 6's hot path, before and after sync.Pool.
func BenchmarkLogLine(b *testing.B) {
	for _, c := range []struct {
		name string
		f    func(io.Writer, event)
	}{{"fmt", writeEventNaive}, {"pool", writeEventPooled}} {
		b.Run("path="+c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.f(io.Discard, sampleEvent)
				}
			})
		})
	}
}

// BenchmarkFlightRecorder is the server's throughput with the flight
// recorder off and on: the price of always having the last seconds of trace.
// Two request sizes: n=1 hashes one 16 KiB buffer, so the request is mostly
// HTTP over loopback, the worst case for a tracer (every read, write and
// goroutine hand-off is an event, and little else happens); n=10 is the
// request the serve command suggests, with ten times the work between the
// same events.
func BenchmarkFlightRecorder(b *testing.B) {
	for _, n := range []int{1, 10} {
		for _, on := range []bool{false, true} {
			name := fmt.Sprintf("n=%d/recorder=off", n)
			if on {
				name = fmt.Sprintf("n=%d/recorder=on", n)
			}
			b.Run(name, func(b *testing.B) { benchServer(b, on, n) })
		}
	}
}

// benchServer sends /work?n=N requests from 4 goroutines per processor to a
// fresh server, with or without its flight recorder.
func benchServer(b *testing.B, flight bool, n int) {
	s, err := newProfServer(serverOptions{flight: flight, dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	base, stop, err := s.listen()
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	url := fmt.Sprintf("%s/work?n=%d", base, n)
	b.SetParallelism(4)
	cpu0 := cputime.Process()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequestWithContext(b.Context(), "GET", url, nil)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	// CPU time this process used (client and server both) per request: less
	// moved than wall time by what else the machine runs, since time spent
	// waiting for a core is not counted.
	b.ReportMetric(float64((cputime.Process()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}
