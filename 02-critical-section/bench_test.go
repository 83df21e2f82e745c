package main

import (
	"crypto/sha256"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/cpu"

	"github.com/stretchr/testify/assert"
)

// Benchmarks for every protection in the chapter, each one alone
// (uncontended: one goroutine, b.Loop) and fought over (contended:
// b.RunParallel, GOMAXPROCS goroutines at once). Run them with
//
//	go test -run '^$' -bench . -benchmem ./02-critical-section
//
// and read the ratios, not the nanoseconds: those depend on the machine.

const rich = int64(1) << 40 // so no benchmark transfer is ever refused

func BenchmarkTransfer(b *testing.B) {
	for _, impl := range Implementations {
		b.Run(impl.Name+"/uncontended", func(b *testing.B) {
			bank := impl.New(equalBalances(8, rich))
			defer bank.Close()
			i := 0
			for b.Loop() {
				if err := bank.Transfer(i%8, (i+1)%8, 1); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(impl.Name+"/contended", func(b *testing.B) {
			bank := impl.New(equalBalances(8, rich))
			defer bank.Close()
			var ids atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				i := int(ids.Add(1)) * 3 // each goroutine starts on other accounts
				for pb.Next() {
					if err := bank.Transfer(i%8, (i+1)%8, 1); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
		})
	}
}

// The smallest critical section: one counter. Here a single word is enough,
// so atomic.Int64 is the right tool, and the gap to a lock is widest.
func BenchmarkCounter(b *testing.B) {
	var mu sync.Mutex
	var n int64
	var a atomic.Int64
	cl := NewChanLock()
	incs := []struct {
		name string
		inc  func()
	}{
		{"mutex", func() { mu.Lock(); n++; mu.Unlock() }},
		{"atomic", func() { a.Add(1) }},
		{"chanlock", func() { cl.Lock(); n++; cl.Unlock() }},
	}
	for _, c := range incs {
		b.Run(c.name+"/uncontended", func(b *testing.B) {
			for b.Loop() {
				c.inc()
			}
		})
		b.Run(c.name+"/contended", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.inc()
				}
			})
		})
	}
}

// Read-mostly: GOMAXPROCS goroutines call Total() and, now and then,
// Transfer. RWMutex lets readers run together, but every RLock still writes
// a shared reader count, so it only wins when the read itself is long
// enough (many accounts) for two readers to overlap usefully.
func BenchmarkReadMostly(b *testing.B) {
	impls := []struct {
		name string
		new  func([]int64) Bank
	}{
		{"mutex", func(x []int64) Bank { return NewMutexBank(x) }},
		{"rwmutex", func(x []int64) Bank { return NewRWBank(x) }},
	}
	for _, accounts := range []int{8, 1024} {
		for _, writesPer100 := range []int{0, 10, 50} {
			for _, impl := range impls {
				name := fmt.Sprintf("accounts=%d/writes=%d%%/%s", accounts, writesPer100, impl.name)
				b.Run(name, func(b *testing.B) {
					bank := impl.new(equalBalances(accounts, rich))
					defer bank.Close()
					b.RunParallel(func(pb *testing.PB) {
						i := 0
						for pb.Next() {
							if i%100 < writesPer100 {
								_ = bank.Transfer(i%accounts, (i+1)%accounts, 1)
							} else if bank.Total() != int64(accounts)*rich {
								b.Error("torn total")
								return
							}
							i++
						}
					})
				})
			}
		}
	}
}

// Two goroutines, each adding to its own counter. The counters share a
// cache line in Adjacent and do not in Padded. The plain variants use
// ordinary int64 fields (no data race: each goroutine writes only its own),
// where the cost of the line moving between cores is not hidden behind the
// cost of the atomic instruction itself.
func BenchmarkFalseSharing(b *testing.B) {
	b.Run("atomic/adjacent", func(b *testing.B) {
		var c Adjacent
		parallelOnOwnCounter(b, c.Add)
	})
	b.Run("atomic/padded", func(b *testing.B) {
		var c Padded
		parallelOnOwnCounter(b, c.Add)
	})
	b.Run("plain/adjacent", func(b *testing.B) {
		var c [2]struct{ n int64 }
		parallelOnOwnCounter(b, func(i int) { c[i].n++ })
	})
	b.Run("plain/padded", func(b *testing.B) {
		var c [2]struct {
			n int64
			_ cpu.CacheLinePad
		}
		parallelOnOwnCounter(b, func(i int) { c[i].n++ })
	})
}

// parallelOnOwnCounter gives each RunParallel goroutine its own counter
// index, 0 or 1. With GOMAXPROCS=2 there are exactly two goroutines; with
// more, pairs share an index and the benchmark measures true sharing too.
func parallelOnOwnCounter(b *testing.B, add func(i int)) {
	var ids atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		i := int(ids.Add(1)) % 2
		for pb.Next() {
			add(i)
		}
	})
}

// The layouts really are what the benchmark claims.
func TestCounterLayout(t *testing.T) {
	var a Adjacent
	var p Padded
	gapA := uintptr(unsafe.Pointer(&a.counters[1].n)) - uintptr(unsafe.Pointer(&a.counters[0].n))
	gapP := uintptr(unsafe.Pointer(&p.counters[1].n)) - uintptr(unsafe.Pointer(&p.counters[0].n))
	assert.Equal(t, uintptr(8), gapA, "adjacent counters are one word apart")
	assert.GreaterOrEqual(t, gapP, uintptr(64), "padded counters are at least a cache line apart")
	a.Add(0)
	a.Add(1)
	p.Add(1)
	assert.Equal(t, int64(2), a.Sum())
	assert.Equal(t, int64(1), p.Sum())
}

// Slow work (hashing 4 KiB) followed by a tiny shared update, with the lock
// held across both or only around the update. On n cores the second can be
// up to n times faster; with I/O instead of hashing, far more.
func BenchmarkLockScope(b *testing.B) {
	data := make([]byte, 4096)
	for _, across := range []bool{true, false} {
		name := map[bool]string{true: "held-across-work", false: "only-update-locked"}[across]
		b.Run(name, func(b *testing.B) {
			var mu sync.Mutex
			var total uint64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if across {
						mu.Lock()
						sum := sha256.Sum256(data)
						total += uint64(sum[0])
						mu.Unlock()
						continue
					}
					sum := sha256.Sum256(data)
					mu.Lock()
					total += uint64(sum[0])
					mu.Unlock()
				}
			})
		})
	}
}

// The same with waiting instead of computing: 16 goroutines per core each
// "fetch" for 100µs (a sleep, like a network call) and then update. Waiting
// needs no core, so here the gain is not bounded by the number of cores but
// by the number of goroutines: with the lock held across the wait, they all
// queue behind one sleeper.
func BenchmarkLockScopeIO(b *testing.B) {
	const wait = 100 * time.Microsecond
	for _, across := range []bool{true, false} {
		name := map[bool]string{true: "held-across-wait", false: "only-update-locked"}[across]
		b.Run(name, func(b *testing.B) {
			var mu sync.Mutex
			var total int
			b.SetParallelism(16)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if across {
						mu.Lock()
						time.Sleep(wait)
						total++
						mu.Unlock()
						continue
					}
					time.Sleep(wait)
					mu.Lock()
					total++
					mu.Unlock()
				}
			})
		})
	}
}

// Moving values through each bounded buffer, 2 producers to 2 consumers;
// ns/value is the number to compare.
func BenchmarkQueue(b *testing.B) {
	const per = 1000
	for _, q := range queues {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if got, _ := ProduceConsume(q.new(16), 2, 2, per); got != 2*per {
					b.Fatalf("got %d values", got)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2*per), "ns/value")
		})
	}
}
