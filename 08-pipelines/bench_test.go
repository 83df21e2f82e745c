package main

import (
	"fmt"
	"iter"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gocourse/concurrency/internal/cputime"
)

// Run them all with
//
//	go test -run '^$' -bench . -benchmem ./08-pipelines
//
// Each group's cases run one after another in one process, so their ratios
// are measured side by side. Per-item costs are reported as ns/item.

// BenchmarkHandoff passes one int from a producer goroutine to a consumer
// goroutine per op.
func BenchmarkHandoff(b *testing.B) {
	for _, buf := range []int{0, 64} {
		name := "unbuffered"
		if buf > 0 {
			name = fmt.Sprintf("buffered-%d", buf)
		}
		b.Run(name, func(b *testing.B) {
			ch := make(chan int, buf)
			done := make(chan struct{})
			go func() {
				defer close(done)
				for range ch {
				}
			}()
			i := 0
			for b.Loop() {
				ch <- i
				i++
			}
			close(ch)
			<-done
		})
	}
	b.Run("mutex-slice-queue", func(b *testing.B) {
		q := newSliceQueue()
		done := make(chan struct{})
		go func() {
			defer close(done)
			for _, ok := q.Get(); ok; _, ok = q.Get() {
			}
		}()
		i := 0
		for b.Loop() {
			q.Put(i)
			i++
		}
		q.Close()
		<-done
	})
}

const genItems = 1024

// BenchmarkGenerator sums genItems values from each kind of generator per op.
func BenchmarkGenerator(b *testing.B) {
	ways := []struct {
		name string
		sum  func() int
	}{
		{"channel", func() int {
			s := 0
			for v := range chanGen(b.Context(), genItems) {
				s += v
			}
			return s
		}},
		{"iter.Seq", func() int {
			s := 0
			for v := range seqGen(genItems) {
				s += v
			}
			return s
		}},
		{"iter.Pull", func() int {
			next, stop := iter.Pull(seqGen(genItems))
			defer stop()
			s := 0
			for v, ok := next(); ok; v, ok = next() {
				s += v
			}
			return s
		}},
	}
	for _, w := range ways {
		b.Run(w.name, func(b *testing.B) {
			for b.Loop() {
				if w.sum() != genItems*(genItems-1)/2 {
					b.Fatal("wrong sum")
				}
			}
			perItem(b, genItems)
		})
	}
}

const pipeItems = 1 << 16

// BenchmarkPipeline runs pipeItems items through the generate, mix, sum
// pipeline per op, unbatched and batched, against the plain loop, for the
// tiny item (one round of mix) and the small one (eight). passes-256 is
// batch-256's three passes over each batch in one goroutine, no channels.
func BenchmarkPipeline(b *testing.B) {
	for _, item := range []struct {
		name   string
		rounds int
	}{{"tiny", tinyRounds}, {"small", smallRounds}} {
		r := item.rounds
		want := sumLoop(pipeItems, r)
		ways := []struct {
			name string
			sum  func() uint64
		}{
			{"loop", func() uint64 { return sumLoop(pipeItems, r) }},
			{"unbatched", func() uint64 { return sumPipeline(pipeItems, r) }},
			{"batch-64", func() uint64 { return sumBatched(pipeItems, 64, r) }},
			{"batch-256", func() uint64 { return sumBatched(pipeItems, 256, r) }},
			{"batch-1024", func() uint64 { return sumBatched(pipeItems, 1024, r) }},
			// The batched work with no goroutines: what batch-256 would
			// cost if its hand-offs were free.
			{"passes-256", func() uint64 { return sumPasses(pipeItems, 256, r) }},
		}
		for _, w := range ways {
			b.Run(item.name+"/"+w.name, func(b *testing.B) {
				for b.Loop() {
					if w.sum() != want {
						b.Fatal("wrong sum")
					}
				}
				perItem(b, pipeItems)
			})
		}
	}
}

// BenchmarkFanOut runs 64 CPU-bound jobs (about 100 µs each) per op,
// serially and over 2 workers, out of order and in order, and with every
// hand-off unbuffered.
func BenchmarkFanOut(b *testing.B) {
	jobs := jobSeeds(64)
	want := serial(jobs, fanRounds)
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			serial(jobs, fanRounds)
		}
	})
	b.Run("workers-2-unbuffered", func(b *testing.B) {
		for b.Loop() {
			got := collect(fanOutBuffered(b.Context(), jobs, fanRounds, 2, 0), len(jobs))
			if got[len(got)-1] != want[len(want)-1] {
				b.Fatal("wrong answer")
			}
		}
	})
	for _, workers := range []int{2, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers-%d", workers), func(b *testing.B) {
			for b.Loop() {
				got := collect(fanOut(b.Context(), jobs, fanRounds, workers), len(jobs))
				if got[len(got)-1] != want[len(want)-1] {
					b.Fatal("wrong answer")
				}
			}
		})
		b.Run(fmt.Sprintf("ordered-workers-%d", workers), func(b *testing.B) {
			for b.Loop() {
				res, _ := ordered(b.Context(), jobs, fanRounds, workers, 2*workers)
				n := 0
				for range res {
					n++
				}
				if n != len(jobs) {
					b.Fatal("lost results")
				}
			}
		})
		if runtime.GOMAXPROCS(0) == 2 {
			break
		}
	}
}

// BenchmarkSelectTimeout is one select on a ready channel with a timeout
// per op: a new time.After each time, or one Timer reset.
func BenchmarkSelectTimeout(b *testing.B) {
	b.Run("time.After", func(b *testing.B) {
		ready := make(chan int, 1)
		for b.Loop() {
			ready <- 1
			select {
			case <-ready:
			case <-time.After(time.Minute):
			}
		}
	})
	b.Run("timer-reset", func(b *testing.B) {
		ready := make(chan int, 1)
		t := time.NewTimer(time.Minute)
		defer t.Stop()
		for b.Loop() {
			ready <- 1
			t.Reset(time.Minute)
			select {
			case <-ready:
			case <-t.C:
			}
		}
	})
}

// BenchmarkBroadcast publishes one value per op to a fast subscriber and a
// slow one (about 2 µs of CPU per value), under each policy.
func BenchmarkBroadcast(b *testing.B) {
	for _, p := range []Policy{Block, Buffer, Drop, Latest} {
		b.Run(p.String(), func(b *testing.B) {
			br := NewBroadcaster(p, 64)
			fast, slow := br.Subscribe(), br.Subscribe()
			var wg sync.WaitGroup
			wg.Go(func() {
				for range fast.C {
				}
			})
			wg.Go(func() {
				for v := range slow.C {
					sink.Store(crunch(uint64(v), 1000))
				}
			})
			i := 0
			for b.Loop() {
				if err := br.Publish(b.Context(), i); err != nil {
					b.Fatal(err)
				}
				i++
			}
			br.Close()
			wg.Wait()
			b.ReportMetric(100*float64(slow.Lost())/float64(max(i, 1)), "%slow-lost")
		})
	}
}

// BenchmarkBank makes 8 goroutines × 100 transfers per op on each bank.
func BenchmarkBank(b *testing.B) {
	const goroutines, ops = 8, 100
	balances := []int64{100, 100, 100, 100, 100, 100, 100, 100, 100, 100}
	for _, mk := range []struct {
		name string
		new  func([]int64) Bank
	}{
		{"mutex", func(b []int64) Bank { return NewMutexBank(b) }},
		{"owner", func(b []int64) Bank { return NewOwnerBank(b) }},
	} {
		b.Run(mk.name, func(b *testing.B) {
			bank := mk.new(balances)
			defer bank.Close()
			for b.Loop() {
				hammer(bank, len(balances), goroutines, ops)
			}
			perItem(b, goroutines*ops)
		})
	}
}

// perItem reports the time per item when each op handles n items.
func perItem(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/item")
}

// The two floors, measured interleaved: each op runs both sides once, one
// right after the other, so a change in the machine's load during the run
// hits both alike. The metric is the ratio of their total times.

// BenchmarkFloorBatch256 reports batch256/loop: the batched pipeline's cost
// per item as a multiple of the plain loop's (the floor: at most 2), in
// wall-clock time and in CPU time (user + system, all threads), for the
// tiny item and the small one. On a machine where other processes compete
// for the cores, the wall-clock ratio includes the pipeline's waits for a
// core at each wake-up; the CPU ratio is the work done, including the
// runtime's own (waking a parked goroutine, spinning for work).
func BenchmarkFloorBatch256(b *testing.B) {
	for _, item := range []struct {
		name   string
		rounds int
	}{{"tiny", tinyRounds}, {"small", smallRounds}} {
		b.Run(item.name, func(b *testing.B) {
			var loop, batched, loopCPU, batchedCPU time.Duration
			for b.Loop() {
				c0, start := cputime.Process(), time.Now()
				s1 := sumLoop(pipeItems, item.rounds)
				c1, mid := cputime.Process(), time.Now()
				s2 := sumBatched(pipeItems, 256, item.rounds)
				c2, end := cputime.Process(), time.Now()
				if s1 != s2 {
					b.Fatal("sums differ")
				}
				loop += mid.Sub(start)
				batched += end.Sub(mid)
				loopCPU += c1 - c0
				batchedCPU += c2 - c1
			}
			b.ReportMetric(float64(loop.Nanoseconds())/float64(b.N*pipeItems), "loop-ns/item")
			b.ReportMetric(float64(batched)/float64(loop), "batch256/loop")
			if loopCPU > 0 {
				b.ReportMetric(float64(batchedCPU)/float64(loopCPU), "cpu-batch256/loop")
			}
		})
	}
}

// BenchmarkFloorFanOut2 reports serial/fanout: how many times faster 2
// workers are than the serial loop on the same 64 jobs (the floor: at
// least 1.8 on 2 cores), with fanOut's slot per worker and, for contrast,
// with every hand-off unbuffered. The ceiling case has no channels at all:
// two goroutines, each given half the jobs up front, as fast as two cores
// can go on this work.
func BenchmarkFloorFanOut2(b *testing.B) {
	jobs := jobSeeds(64)
	ceiling := func() []uint64 {
		out := make([]uint64, len(jobs))
		var wg sync.WaitGroup
		for _, half := range [][2]int{{0, len(jobs) / 2}, {len(jobs) / 2, len(jobs)}} {
			wg.Go(func() {
				for i := half[0]; i < half[1]; i++ {
					out[i] = crunch(jobs[i], fanRounds)
				}
			})
		}
		wg.Wait()
		return out
	}
	for _, c := range []struct {
		name string
		run  func() []uint64
	}{
		{"buffered", func() []uint64 { return collect(fanOutBuffered(b.Context(), jobs, fanRounds, 2, 2), len(jobs)) }},
		{"unbuffered", func() []uint64 { return collect(fanOutBuffered(b.Context(), jobs, fanRounds, 2, 0), len(jobs)) }},
		{"ceiling", ceiling},
	} {
		b.Run(c.name, func(b *testing.B) {
			var ser, fan time.Duration
			for b.Loop() {
				start := time.Now()
				want := serial(jobs, fanRounds)
				mid := time.Now()
				got := c.run()
				end := time.Now()
				if !slices.Equal(got, want) {
					b.Fatal("wrong answer")
				}
				ser += mid.Sub(start)
				fan += end.Sub(mid)
			}
			b.ReportMetric(float64(ser)/float64(fan), "serial/fanout")
		})
	}
}
