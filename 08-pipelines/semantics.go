package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
)

// The four states a channel can be in, as far as its operations care.
var chanStates = []string{"nil", "unbuffered", "buffered", "closed"}

// The five things you can do to a channel.
var chanOps = []string{"send", "receive", "close", "len", "cap"}

// newChan makes a channel in the given state. The buffered one has room for
// two values and holds one (7); the closed one held a 7 too when it was
// closed, to show that a receive drains what is left before it reports the
// close.
func newChan(state string) chan int {
	switch state {
	case "nil":
		return nil
	case "unbuffered":
		return make(chan int)
	case "buffered":
		ch := make(chan int, 2)
		ch <- 7
		return ch
	case "closed":
		ch := make(chan int, 2)
		ch <- 7
		close(ch)
		<-ch // drained: what is left is only the close
		return ch
	}
	panic("unknown channel state " + state)
}

// cell does op on a fresh channel in state and says what happened, in the
// words the table prints. An operation that would block is tried with a
// select and a default case, which takes the default instead of blocking, so
// the table itself never hangs; the children in cell/ do the same operations
// for real. A panic is recovered: the cell says "panic" and msg is the
// panic's message.
func cell(op, state string) (result, msg string) {
	ch := newChan(state)
	defer func() {
		if r := recover(); r != nil {
			result, msg = "panic", fmt.Sprint(r)
		}
	}()
	return try(ch, op, state), ""
}

func try(ch chan int, op, state string) string {
	switch op {
	case "send":
		select {
		case ch <- 1:
			return "ok"
		default:
			return blocks(state)
		}
	case "receive":
		select {
		case v, ok := <-ch:
			return fmt.Sprintf("%d, %t", v, ok)
		default:
			return blocks(state)
		}
	case "close":
		close(ch)
		return "ok"
	case "len":
		return fmt.Sprint(len(ch))
	case "cap":
		return fmt.Sprint(cap(ch))
	}
	panic("unknown channel operation " + op)
}

// blocks says how long an operation that is not ready would wait. On a nil
// channel nothing can ever make it ready; on an unbuffered one, a partner.
func blocks(state string) string {
	if state == "nil" {
		return "blocks forever"
	}
	return "waits for partner"
}

func showSemantics(ctx context.Context, w io.Writer) error {
	fmt.Fprintln(w, "what one operation does on a fresh channel (receive shows v, ok):")
	fmt.Fprintf(w, "%-8s", "")
	for _, s := range chanStates {
		fmt.Fprintf(w, " | %-17s", s)
	}
	fmt.Fprintln(w)
	var panics []string
	for _, op := range chanOps {
		fmt.Fprintf(w, "%-8s", op)
		for _, s := range chanStates {
			r, msg := cell(op, s)
			if msg != "" {
				panics = append(panics, msg)
			}
			fmt.Fprintf(w, " | %-17s", r)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "buffered: room for 2, holding one 7; closed: closed after its 7 was received")
	fmt.Fprintf(w, "the panics say: %s\n", strings.Join(panics, "; "))
	fmt.Fprintln(w, "the table tries with select/default and recovers; go run ./08-pipelines/cell -op send -on closed does it for real")

	fmt.Fprintln(w)
	fmt.Fprintln(w, "memory model, rule 1: a receive from an unbuffered channel is synchronized before the send completes")
	fmt.Fprintf(w, "  the goroutine wrote, then received; main sent, then read: %q\n", unbufferedHandoff())
	fmt.Fprintln(w, "memory model, rule 2: the k-th receive is synchronized before the (k+C)-th send completes")
	const goroutines, per = 8, 1000
	for _, c := range []int{1, 3} {
		r := semaphoreCount(goroutines, per, c)
		fmt.Fprintf(w, "  a channel of capacity %d as a semaphore: at most %d inside at once (saw %d)", c, c, r.most)
		if c == 1 {
			fmt.Fprintf(w, ", plain count++ = %d of %d", r.count, goroutines*per)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "  capacity 1 is chapter 02's ChanLock: release k comes before acquire k+1 completes, so")
	fmt.Fprintln(w, "  each holder sees every write of the one before (go test -race ./08-pipelines checks it)")
	return nil
}

// handoffMsg is written by one goroutine and read by another with no lock:
// the channel operation between them is the only thing that orders the two.
var handoffMsg string

// unbufferedHandoff is the memory model's own example. The goroutine writes
// and then receives; main sends and then reads. Rule 1 says the receive is
// synchronized before the send completes, so the write comes before the
// read. With a buffered channel the send could complete before the receive,
// and the read would race with the write (the break-it experiment
// "buffered-handoff" shows the race detector saying so).
func unbufferedHandoff() string {
	handoffMsg = ""
	c := make(chan int)
	go func() {
		handoffMsg = "hello, world"
		<-c
	}()
	c <- 0
	return handoffMsg
}

// A semaphoreResult is what semaphoreCount saw.
type semaphoreResult struct {
	count int // the plain counter, incremented only by capacity-1 holders
	most  int // the most goroutines ever inside at once
}

// semaphoreCount lets goroutines into a section through a channel of
// capacity c used as a counting semaphore: send a token to enter, receive
// one to leave. Rule 2 is what bounds the section: the k-th receive (the
// k-th leave) is synchronized before the (k+c)-th send (an enter) completes,
// so no more than c are ever inside. With c = 1 the section is a critical
// section, and count, a plain int, is incremented without a data race.
func semaphoreCount(goroutines, per, c int) semaphoreResult {
	sem := make(chan struct{}, c)
	var (
		count  int // guarded by sem, when c == 1
		mu     sync.Mutex
		inside int // guarded by mu
		most   int // guarded by mu
	)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range per {
				sem <- struct{}{} // enter
				mu.Lock()
				inside++
				most = max(most, inside)
				mu.Unlock()
				waitForCompany(&mu, &inside, c)
				if c == 1 {
					count++ // safe only because sem has capacity 1
				}
				stayAWhile(c)
				mu.Lock()
				inside--
				mu.Unlock()
				<-sem // leave
			}
		})
	}
	wg.Wait()
	return semaphoreResult{count: count, most: most}
}

// waitForCompany and stayAWhile keep the section as full as the semaphore
// allows, so that for c > 1 two holders are inside at once, doing their
// work, in every run, not only when the scheduler happens to interleave
// them. waitForCompany yields until another goroutine is inside too, or a
// thousand times (the last one in may find nobody to wait for).
func waitForCompany(mu *sync.Mutex, inside *int, c int) {
	if c == 1 {
		return
	}
	for range 1000 {
		mu.Lock()
		n := *inside
		mu.Unlock()
		if n >= 2 {
			return
		}
		runtime.Gosched()
	}
}

// stayAWhile yields a few times before a holder leaves, without
// synchronizing with anyone, so that the others inside do their work while
// it is still there.
func stayAWhile(c int) {
	if c == 1 {
		return
	}
	for range 10 {
		runtime.Gosched()
	}
}
