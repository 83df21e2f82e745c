package main

import (
	"errors"
	"fmt"
)

// Bank is the one small shared resource of this chapter: a fixed number of
// accounts, numbered from 0, and transfers between them. Every protection in
// the chapter implements the same interface, so what you compare is the
// design, never the API.
//
// All methods are safe for concurrent use by any number of goroutines.
type Bank interface {
	// Transfer moves amount from account from to account to, all or
	// nothing. It returns ErrInsufficientFunds, and changes nothing, when
	// from holds less than amount, so no balance ever goes negative. It
	// returns an ErrInvalid error for an amount ≤ 0, an unknown account, or
	// from == to.
	Transfer(from, to int, amount int64) error
	// Balance is what account holds now (0 for an unknown account).
	Balance(account int) int64
	// Total is the sum of all balances. Every bank except AtomicBank
	// returns a snapshot: no transfer is ever half-done in it.
	Total() int64
	// Transfers counts the transfers that succeeded.
	Transfers() int64
	// Close releases what the bank holds (the monitor's goroutine). Call it
	// once, after the last other call.
	Close()
}

// ErrInsufficientFunds is returned by Transfer when the source account holds
// less than the amount.
var ErrInsufficientFunds = errors.New("insufficient funds")

// ErrInvalid is wrapped by the errors Transfer returns for requests that can
// never succeed.
var ErrInvalid = errors.New("invalid transfer")

// validate checks what can be checked without looking at any balance, so it
// needs no lock: the number of accounts never changes after construction.
func validate(accounts, from, to int, amount int64) error {
	switch {
	case amount <= 0:
		return fmt.Errorf("%w: amount %d must be > 0", ErrInvalid, amount)
	case from < 0 || from >= accounts:
		return fmt.Errorf("%w: no account %d", ErrInvalid, from)
	case to < 0 || to >= accounts:
		return fmt.Errorf("%w: no account %d", ErrInvalid, to)
	case from == to:
		return fmt.Errorf("%w: from and to are both %d", ErrInvalid, from)
	}
	return nil
}

// Implementation names one way of protecting the bank.
type Implementation struct {
	Name string
	New  func(balances []int64) Bank
	// Snapshot says whether Total is a consistent snapshot even while
	// transfers run. Only the atomic bank cannot promise it.
	Snapshot bool
	Note     string // one line for the lesson's table
}

// Implementations is every protection in the order the lesson shows them.
// Tests and benchmarks range over it, so a new bank joins all of them by
// being added here.
var Implementations = []Implementation{
	{"mutex", func(b []int64) Bank { return NewMutexBank(b) }, true, "sync.Mutex around every method"},
	{"rwmutex", func(b []int64) Bank { return NewRWBank(b) }, true, "sync.RWMutex: readers share, writers alone"},
	{"atomic", func(b []int64) Bank { return NewAtomicBank(b) }, false, "one atomic.Int64 per account, CAS to withdraw"},
	{"monitor", func(b []int64) Bank { return NewMonitorBank(b) }, true, "one goroutine owns the balances"},
	{"semaphore", func(b []int64) Bank { return NewSemaphoreBank(b) }, true, "buffered channel of capacity 1 as a lock"},
}
