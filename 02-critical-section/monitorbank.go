package main

import (
	"errors"
	"slices"
)

// MonitorBank confines the balances to one goroutine, the monitor. No other
// goroutine ever touches them, so there is nothing to lock: the others send
// requests over channels and wait for the reply. "Do not communicate by
// sharing memory; share memory by communicating."
//
// Every request is served in turn, one at a time, so each one is a critical
// section, and Total is a snapshot for free. The price is two channel
// operations and a goroutine switch per call.
type MonitorBank struct {
	accounts  int
	transfers chan transferRequest
	reads     chan readRequest
	quit      chan struct{} // closed by Close
	done      chan struct{} // closed when the monitor has returned
}

type transferRequest struct {
	from, to int
	amount   int64
	reply    chan error
}

// What a readRequest asks for.
const (
	readBalance = iota
	readTotal
	readTransfers
)

type readRequest struct {
	what    int
	account int
	reply   chan int64
}

// errClosed is returned by Transfer after Close.
var errClosed = errors.New("bank is closed")

// NewMonitorBank starts the monitor goroutine and returns the bank. Close
// stops the goroutine.
func NewMonitorBank(balances []int64) *MonitorBank {
	b := &MonitorBank{
		accounts:  len(balances),
		transfers: make(chan transferRequest),
		reads:     make(chan readRequest),
		quit:      make(chan struct{}),
		done:      make(chan struct{}),
	}
	go b.monitor(slices.Clone(balances))
	return b
}

// monitor owns balances and transfers: they are local variables, so the
// compiler itself guarantees no other goroutine can reach them.
func (b *MonitorBank) monitor(balances []int64) {
	defer close(b.done)
	var transfers int64
	for {
		select {
		case r := <-b.transfers:
			if balances[r.from] < r.amount {
				r.reply <- ErrInsufficientFunds
				continue
			}
			balances[r.from] -= r.amount
			balances[r.to] += r.amount
			transfers++
			r.reply <- nil
		case r := <-b.reads:
			switch r.what {
			case readBalance:
				r.reply <- balances[r.account]
			case readTotal:
				var sum int64
				for _, v := range balances {
					sum += v
				}
				r.reply <- sum
			case readTransfers:
				r.reply <- transfers
			}
		case <-b.quit:
			return
		}
	}
}

// Transfer implements Bank.
func (b *MonitorBank) Transfer(from, to int, amount int64) error {
	if err := validate(b.accounts, from, to, amount); err != nil {
		return err
	}
	// The reply channel has room for one value so the monitor never waits
	// on a caller.
	r := transferRequest{from: from, to: to, amount: amount, reply: make(chan error, 1)}
	select {
	case b.transfers <- r:
		return <-r.reply
	case <-b.quit:
		return errClosed
	}
}

func (b *MonitorBank) read(what, account int) int64 {
	r := readRequest{what: what, account: account, reply: make(chan int64, 1)}
	select {
	case b.reads <- r:
		return <-r.reply
	case <-b.quit:
		return 0
	}
}

// Balance implements Bank.
func (b *MonitorBank) Balance(account int) int64 {
	if account < 0 || account >= b.accounts {
		return 0
	}
	return b.read(readBalance, account)
}

// Total implements Bank.
func (b *MonitorBank) Total() int64 { return b.read(readTotal, 0) }

// Transfers implements Bank.
func (b *MonitorBank) Transfers() int64 { return b.read(readTransfers, 0) }

// Close stops the monitor goroutine and waits until it has returned. Calls
// after Close do nothing: Transfer fails and reads return 0.
func (b *MonitorBank) Close() {
	close(b.quit)
	<-b.done
}
