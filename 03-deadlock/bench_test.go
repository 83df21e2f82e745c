package main

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// transferFuncs are the deadlock-free transfers of this chapter, each moving
// one unit from the first account of a pair to the second.
func transferFuncs() []struct {
	name string
	pair func() (a, b any)
	move func(from, to any)
} {
	ctx := context.Background()
	polite := Politeness{Backoff: time.Microsecond, MaxAttempts: 1 << 30}
	return []struct {
		name string
		pair func() (a, b any)
		move func(from, to any)
	}{
		{"mutex, lock order", func() (any, any) { return NewAccount(1, 0), NewAccount(2, 0) },
			func(f, t any) { _ = TransferOrdered(f.(*Account), t.(*Account), 1) }},
		{"mutex, TryLock and back off", func() (any, any) { return NewAccount(1, 0), NewAccount(2, 0) },
			func(f, t any) { _, _ = TransferPolite(f.(*Account), t.(*Account), 1, polite) }},
		{"channel lock, retry on 1ms timeout", func() (any, any) { return NewVault(1, 0, NewChanMutex()), NewVault(2, 0, NewChanMutex()) },
			func(f, t any) { retryCounting(ctx, f.(*Vault), t.(*Vault)) }},
		{"semaphore, retry on 1ms timeout", func() (any, any) { return NewVault(1, 0, NewSemMutex()), NewVault(2, 0, NewSemMutex()) },
			func(f, t any) { retryCounting(ctx, f.(*Vault), t.(*Vault)) }},
	}
}

// timeouts counts the attempts of retryCounting that hit their deadline.
var timeouts atomic.Int64

// retryCounting is TransferRetry with a 1ms deadline per attempt, counting
// the attempts that time out, so a benchmark can show where the time goes.
func retryCounting(ctx context.Context, from, to *Vault) {
	for {
		try, cancel := context.WithTimeout(ctx, time.Millisecond)
		err := TransferWithin(try, from, to, 1)
		cancel()
		if err == nil {
			return
		}
		timeouts.Add(1)
	}
}

// One goroutine, no contention: the cost of taking two locks.
func BenchmarkTransferAlone(b *testing.B) {
	for _, tf := range transferFuncs() {
		b.Run(tf.name, func(b *testing.B) {
			a, c := tf.pair()
			for b.Loop() {
				tf.move(a, c)
			}
		})
	}
}

// Two goroutines moving money in opposite directions between the same two
// accounts, 100 transfers each per op: the ABBA pattern, made safe four ways.
func BenchmarkTransferOpposite(b *testing.B) {
	for _, tf := range transferFuncs() {
		b.Run(tf.name, func(b *testing.B) {
			a, c := tf.pair()
			timeouts.Store(0)
			for b.Loop() {
				var wg sync.WaitGroup
				wg.Go(func() {
					for range 100 {
						tf.move(a, c)
					}
				})
				wg.Go(func() {
					for range 100 {
						tf.move(c, a)
					}
				})
				wg.Wait()
			}
			b.ReportMetric(float64(timeouts.Load())/float64(b.N), "timeouts/op")
		})
	}
}
