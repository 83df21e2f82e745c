package main

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/cpu"
)

// The patient of section 2 is chapter 02's bank under contention: many
// goroutines moving money between a few accounts. One mutex guards every
// balance, so at any moment one transfer runs and the others queue. The
// block and mutex profiles say so; then three fixes, each measured.
//
// Every design hands each worker a Teller. Only the batched design needs a
// teller of its own (it keeps transfers until it has a batch); for the
// others the teller is the bank, and Flush does nothing.

// A Teller makes transfers for one goroutine. Transfer moves amount from one
// account to another when the first holds enough, and does nothing when it
// does not. Flush applies whatever the teller still holds back.
type Teller interface {
	Transfer(from, to int, amount int64)
	Flush()
}

// A contendedBank is one design: safe for any number of goroutines, each
// with its own Teller.
type contendedBank interface {
	Teller() Teller
	Total() int64
}

// bankDesign names one design of the bank, for the lesson's table and the
// benchmarks.
type bankDesign struct {
	name, note string
	new        func(accounts int, each int64) contendedBank
}

var bankDesigns = []bankDesign{
	{"onelock", "one sync.Mutex for the whole bank (the patient)", func(n int, e int64) contendedBank { return newOneLock(n, e) }},
	{"sharded", "one mutex per account, locked in account order", func(n int, e int64) contendedBank { return newSharded(n, e) }},
	{"atomic", "one atomic.Int64 per account, CAS to withdraw", func(n int, e int64) contendedBank { return newAtomicBank(n, e) }},
	{"batched", "one mutex, taken once per 64 transfers", func(n int, e int64) contendedBank { return newOneLock(n, e).batched() }},
}

// oneLock is the patient: the plain mutex bank of chapter 02.
type oneLock struct {
	mu       sync.Mutex
	balances []int64
}

func newOneLock(accounts int, each int64) *oneLock {
	b := &oneLock{balances: make([]int64, accounts)}
	for i := range b.balances {
		b.balances[i] = each
	}
	return b
}

func (b *oneLock) Teller() Teller { return b }
func (b *oneLock) Flush()         {}

func (b *oneLock) Transfer(from, to int, amount int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.move(from, to, amount)
}

// move is the critical section; the caller holds mu.
func (b *oneLock) move(from, to int, amount int64) {
	if b.balances[from] >= amount {
		b.balances[from] -= amount
		b.balances[to] += amount
	}
}

func (b *oneLock) Total() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	var sum int64
	for _, v := range b.balances {
		sum += v
	}
	return sum
}

// Fix 1, sharding: a lock per account. Two transfers between four different
// accounts no longer wait for each other. Both locks are taken in account
// order, so two opposite transfers cannot deadlock (chapter 03). Each lock
// sits on its own cache line, or the shards would fight over the line.
type sharded struct {
	accounts []struct {
		mu      sync.Mutex
		balance int64
		_       cpu.CacheLinePad
	}
}

func newSharded(accounts int, each int64) *sharded {
	b := &sharded{}
	b.accounts = make([]struct {
		mu      sync.Mutex
		balance int64
		_       cpu.CacheLinePad
	}, accounts)
	for i := range b.accounts {
		b.accounts[i].balance = each
	}
	return b
}

func (b *sharded) Teller() Teller { return b }
func (b *sharded) Flush()         {}

func (b *sharded) Transfer(from, to int, amount int64) {
	first, second := &b.accounts[from], &b.accounts[to]
	if to < from {
		first, second = second, first
	}
	first.mu.Lock()
	second.mu.Lock()
	if b.accounts[from].balance >= amount {
		b.accounts[from].balance -= amount
		b.accounts[to].balance += amount
	}
	second.mu.Unlock()
	first.mu.Unlock()
}

// Total locks every account, in order, for a snapshot.
func (b *sharded) Total() int64 {
	for i := range b.accounts {
		b.accounts[i].mu.Lock()
	}
	var sum int64
	for i := range b.accounts {
		sum += b.accounts[i].balance
		defer b.accounts[i].mu.Unlock()
	}
	return sum
}

// Fix 2, atomics: no lock at all. A withdrawal is a compare-and-swap that
// retries when another goroutine changed the balance first; the deposit is
// an atomic add. The price (chapter 02): Total is not a snapshot while
// transfers run, since money can be between two accounts.
type atomicBank struct {
	accounts []struct {
		n atomic.Int64
		_ cpu.CacheLinePad
	}
}

func newAtomicBank(accounts int, each int64) *atomicBank {
	b := &atomicBank{}
	b.accounts = make([]struct {
		n atomic.Int64
		_ cpu.CacheLinePad
	}, accounts)
	for i := range b.accounts {
		b.accounts[i].n.Store(each)
	}
	return b
}

func (b *atomicBank) Teller() Teller { return b }
func (b *atomicBank) Flush()         {}

func (b *atomicBank) Transfer(from, to int, amount int64) {
	src := &b.accounts[from].n
	for {
		have := src.Load()
		if have < amount {
			return
		}
		if src.CompareAndSwap(have, have-amount) {
			break
		}
	}
	b.accounts[to].n.Add(amount)
}

func (b *atomicBank) Total() int64 {
	var sum int64
	for i := range b.accounts {
		sum += b.accounts[i].n.Load()
	}
	return sum
}

// Fix 3, batching: keep the one lock, take it less often. Each teller
// collects transfers and applies 64 of them in one critical section. The
// lock is as contended per acquisition, but acquired 64 times less. The
// price: a transfer happens later than it was asked for, and its caller
// does not learn whether it went through.
type batchedBank struct{ *oneLock }

const batchSize = 64

type transfer struct {
	from, to int
	amount   int64
}

type batchTeller struct {
	b       *oneLock
	pending []transfer
}

func (b *oneLock) batched() batchedBank { return batchedBank{b} }

func (b batchedBank) Teller() Teller {
	return &batchTeller{b: b.oneLock, pending: make([]transfer, 0, batchSize)}
}

func (t *batchTeller) Transfer(from, to int, amount int64) {
	t.pending = append(t.pending, transfer{from, to, amount})
	if len(t.pending) == batchSize {
		t.Flush()
	}
}

func (t *batchTeller) Flush() {
	t.b.mu.Lock()
	for _, x := range t.pending {
		t.b.move(x.from, x.to, x.amount)
	}
	t.b.mu.Unlock()
	t.pending = t.pending[:0]
}

// driveBank runs workers that make random transfers of 1 to 10 between
// accounts until ctx is done, and returns how many transfers they asked for.
func driveBank(ctx context.Context, b contendedBank, workers, accounts int) int64 {
	var total atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			t := b.Teller()
			r := rand.New(rand.NewPCG(uint64(w), 10))
			var n int64
			for ctx.Err() == nil {
				for range 256 {
					from := r.IntN(accounts)
					to := (from + 1 + r.IntN(accounts-1)) % accounts
					t.Transfer(from, to, 1+r.Int64N(10))
				}
				n += 256
			}
			t.Flush()
			total.Add(n)
		})
	}
	wg.Wait()
	return total.Load()
}
