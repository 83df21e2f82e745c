package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// Chapter 02's bank, two of its five ways, so this chapter can compare them
// side by side (chapter 02's own code is in its package main, which no
// other package can import). The API is the part of chapter 02's Bank that
// the comparison needs.
type Bank interface {
	// Transfer moves amount from one account to another, all or nothing;
	// it returns ErrInsufficientFunds, changing nothing, when from holds
	// less than amount.
	Transfer(from, to int, amount int64) error
	// Total is the sum of all balances, a snapshot.
	Total() int64
	// Close releases what the bank holds. Call it once, after the last
	// other call.
	Close()
}

// ErrInsufficientFunds is returned by Transfer when the source account holds
// less than the amount.
var ErrInsufficientFunds = errors.New("insufficient funds")

// MutexBank shares the balances between every caller's goroutine and guards
// them with one sync.Mutex.
type MutexBank struct {
	mu       sync.Mutex // guards balances
	balances []int64
}

// NewMutexBank returns a bank whose accounts start with the given balances.
func NewMutexBank(balances []int64) *MutexBank {
	return &MutexBank{balances: slices.Clone(balances)}
}

// Transfer implements Bank.
func (b *MutexBank) Transfer(from, to int, amount int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.balances[from] < amount {
		return ErrInsufficientFunds
	}
	b.balances[from] -= amount
	b.balances[to] += amount
	return nil
}

// Total implements Bank.
func (b *MutexBank) Total() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	var sum int64
	for _, v := range b.balances {
		sum += v
	}
	return sum
}

// Close implements Bank; a mutex needs no cleaning up.
func (b *MutexBank) Close() {}

// OwnerBank shares the balances by communicating: one goroutine owns them,
// as local variables nothing else can reach, and every other goroutine
// sends it a request and waits for the reply. No lock anywhere; the owner
// serves one request at a time, so each request is a critical section.
type OwnerBank struct {
	requests chan ownerRequest
	done     chan struct{} // closed when the owner has returned
}

// An ownerRequest is a transfer, or a read of the total when amount is 0.
type ownerRequest struct {
	from, to int
	amount   int64
	reply    chan ownerReply
}

type ownerReply struct {
	total int64
	err   error
}

// NewOwnerBank starts the owner goroutine. Close stops it.
func NewOwnerBank(balances []int64) *OwnerBank {
	b := &OwnerBank{requests: make(chan ownerRequest), done: make(chan struct{})}
	go b.own(slices.Clone(balances))
	return b
}

// own is the owner's loop; it returns when requests is closed.
func (b *OwnerBank) own(balances []int64) {
	defer close(b.done)
	for r := range b.requests {
		if r.amount == 0 {
			var sum int64
			for _, v := range balances {
				sum += v
			}
			r.reply <- ownerReply{total: sum}
			continue
		}
		if balances[r.from] < r.amount {
			r.reply <- ownerReply{err: ErrInsufficientFunds}
			continue
		}
		balances[r.from] -= r.amount
		balances[r.to] += r.amount
		r.reply <- ownerReply{}
	}
}

// replies recycles reply channels: each has room for one reply, so the
// owner never waits on a caller, and a caller takes a channel for its own
// use only while its one request is out.
var replies = sync.Pool{New: func() any { return make(chan ownerReply, 1) }}

func (b *OwnerBank) ask(r ownerRequest) ownerReply {
	r.reply = replies.Get().(chan ownerReply)
	b.requests <- r
	rep := <-r.reply
	replies.Put(r.reply)
	return rep
}

// Transfer implements Bank.
func (b *OwnerBank) Transfer(from, to int, amount int64) error {
	if amount <= 0 {
		return fmt.Errorf("amount %d must be > 0", amount)
	}
	return b.ask(ownerRequest{from: from, to: to, amount: amount}).err
}

// Total implements Bank.
func (b *OwnerBank) Total() int64 { return b.ask(ownerRequest{}).total }

// Close stops the owner and waits for it to return.
func (b *OwnerBank) Close() {
	close(b.requests)
	<-b.done
}

// hammer runs goroutines that each make ops transfers between random-ish
// accounts, and returns how long they all took.
func hammer(b Bank, accounts, goroutines, ops int) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			x := uint64(g + 1)
			for range ops {
				x = mix(x)
				from, to := int(x%uint64(accounts)), int((x>>32)%uint64(accounts))
				if from == to {
					to = (to + 1) % accounts
				}
				_ = b.Transfer(from, to, int64(x>>60)+1) // insufficient funds is fine
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

func showBank(ctx context.Context, w io.Writer) error {
	const accounts, goroutines = 10, 8
	balances := make([]int64, accounts)
	for i := range balances {
		balances[i] = 100
	}
	fmt.Fprintf(w, "%d accounts of 100, %d goroutines making %d transfers each:\n", accounts, goroutines, cfg.ops)
	var costs []float64
	for _, mk := range []struct {
		name string
		new  func([]int64) Bank
	}{
		{"mutex", func(b []int64) Bank { return NewMutexBank(b) }},
		{"owner goroutine", func(b []int64) Bank { return NewOwnerBank(b) }},
	} {
		b := mk.new(balances)
		took := hammer(b, accounts, goroutines, cfg.ops)
		total := b.Total()
		b.Close()
		per := nsPer(took, goroutines*cfg.ops)
		costs = append(costs, per)
		fmt.Fprintf(w, "  %-16s %7.0f ns a transfer, total still %d\n", mk.name, per, total)
	}
	fmt.Fprintf(w, "the owner goroutine cost %.1fx the mutex per transfer, measured side by side in this run\n", costs[1]/costs[0])
	return ctx.Err()
}
