package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gocourse/concurrency/internal/cputime"
)

// BenchmarkStopTree measures the fan-out of one cancel: from cancel() to the
// last of n goroutines returned and waited for (stop-ms on average, the
// worst run, and the share of runs within 50ms). ns/op also counts starting
// them.
func BenchmarkStopTree(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var total, worst time.Duration
			runs, within := 0, 0
			for b.Loop() {
				d, err := StopTree(b.Context(), n)
				if err != nil {
					b.Fatal(err)
				}
				total += d
				worst = max(worst, d)
				runs++
				if d <= 50*time.Millisecond {
					within++
				}
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(runs), "stop-ms")
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-stop-ms")
			b.ReportMetric(100*float64(within)/float64(runs), "%-within-50ms")
		})
	}
}

// BenchmarkStopTreeCPU is BenchmarkStopTree timed by the CPU time the
// process used (all threads, from getrusage) between cancel() and the end of
// the wait: the work the stop costs, whatever else the machine is running.
// On a machine shared with other builds, the wall time above also counts the
// time our threads spent waiting for a core.
func BenchmarkStopTreeCPU(b *testing.B) {
	cpu := cputime.Process
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var total time.Duration
			runs := 0
			for b.Loop() {
				d, err := stopTree(b.Context(), n, cpu)
				if err != nil {
					b.Fatal(err)
				}
				total += d
				runs++
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(runs), "cpu-stop-ms")
		})
	}
}

var sink int

// BenchmarkDoneCheck is the price of looking at a context in a hot loop:
// 1,000 additions, with no check, with a select on ctx.Done() each pass,
// with ctx.Err() each pass, and with a check every 64 passes.
func BenchmarkDoneCheck(b *testing.B) {
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	data := make([]int, 1000)
	for i := range data {
		data[i] = i
	}
	b.Run("none", func(b *testing.B) {
		for b.Loop() {
			s := 0
			for _, v := range data {
				s += v
			}
			sink = s
		}
	})
	b.Run("select-done", func(b *testing.B) {
		for b.Loop() {
			s := 0
			for _, v := range data {
				select {
				case <-ctx.Done():
					return
				default:
				}
				s += v
			}
			sink = s
		}
	})
	b.Run("err", func(b *testing.B) {
		for b.Loop() {
			s := 0
			for _, v := range data {
				if ctx.Err() != nil {
					return
				}
				s += v
			}
			sink = s
		}
	})
	b.Run("err-every-64", func(b *testing.B) {
		for b.Loop() {
			s := 0
			for i, v := range data {
				if i%64 == 0 && ctx.Err() != nil {
					return
				}
				s += v
			}
			sink = s
		}
	})
}

// BenchmarkRateAccuracy runs each limiter for 2 s of real time and reports
// the achieved rate against the configured one (error-%). Run it once:
// -benchtime=1x.
func BenchmarkRateAccuracy(b *testing.B) {
	const window = 2 * time.Second
	for _, r := range []float64{100, 1000} {
		n := int(r*window.Seconds()) + 1
		// Burst 1, and a burst of 100ms worth of events, which lets a
		// caller that woke up late catch up.
		for _, burst := range []int{1, int(r / 10)} {
			b.Run(fmt.Sprintf("x-time-rate/%v/burst-%d", r, burst), func(b *testing.B) {
				for b.Loop() {
					got, err := achievedRate(b.Context(), n, emptyLimiter(r, burst).Wait)
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(got, "events/s")
					b.ReportMetric(100*(got-r)/r, "error-%")
				}
			})
		}
		b.Run(fmt.Sprintf("ticker/%v/no-burst", r), func(b *testing.B) {
			for b.Loop() {
				tl := NewTickerLimiter(r)
				got, err := achievedRate(b.Context(), n, tl.Wait)
				tl.Stop()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(got, "events/s")
				b.ReportMetric(100*(got-r)/r, "error-%")
			}
		})
	}
}

// BenchmarkLimiterOverhead is the cost of one limiter call that does not
// have to wait: Allow and Wait on a token bucket that always has a token,
// and a receive from a ticker that always has a tick waiting.
func BenchmarkLimiterOverhead(b *testing.B) {
	b.Run("rate-Allow", func(b *testing.B) {
		lim := rate.NewLimiter(rate.Limit(1e12), 1<<30)
		for b.Loop() {
			lim.Allow()
		}
	})
	b.Run("rate-Wait", func(b *testing.B) {
		lim := rate.NewLimiter(rate.Limit(1e12), 1<<30)
		ctx := b.Context()
		for b.Loop() {
			lim.Wait(ctx)
		}
	})
	b.Run("ticker-receive", func(b *testing.B) {
		tl := NewTickerLimiter(1e9)
		defer tl.Stop()
		ctx := b.Context()
		for b.Loop() {
			tl.Wait(ctx)
		}
	})
}

// BenchmarkTimeoutSelect is a select loop with a timeout case: time.After
// makes a timer every pass, a reused timer does not (see -benchmem).
func BenchmarkTimeoutSelect(b *testing.B) {
	ready := make(chan struct{}, 1)
	b.Run("time.After", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ready <- struct{}{}
			select {
			case <-ready:
			case <-time.After(time.Minute):
			}
		}
	})
	b.Run("reused-timer", func(b *testing.B) {
		b.ReportAllocs()
		t := time.NewTimer(time.Minute)
		defer t.Stop()
		for b.Loop() {
			ready <- struct{}{}
			t.Reset(time.Minute)
			select {
			case <-ready:
			case <-t.C:
			}
		}
	})
}
