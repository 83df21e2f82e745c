package main

import "sync"

// Queue is a bounded first-in first-out buffer between producers and
// consumers: Put waits while it is full, Get waits while it is empty. Both
// are safe for concurrent use.
type Queue[T any] interface {
	// Put adds v, waiting while the buffer is full. Calling Put after
	// Close panics, as sending on a closed channel does.
	Put(v T)
	// Get removes the oldest value, waiting while the buffer is empty. It
	// returns ok == false once the buffer is closed and drained.
	Get() (v T, ok bool)
	// Close says no more values will be Put. Call it once.
	Close()
}

// CondBuffer is a bounded buffer built the way Java's wait/notify or
// Python's threading.Condition would build it: one mutex, and two condition
// variables to sleep on, one for "not full" and one for "not empty".
//
// Everything here is needed, and each line is a place to get it wrong:
// Wait must be called with the lock held and inside a for loop (it can
// return when the condition is still false: another goroutine got there
// first); every change must Signal the right condition; Close must
// Broadcast or sleepers never learn about it. And a goroutine asleep in Wait
// cannot also watch a timeout or a cancellation. The channel below does all
// of it in one line.
type CondBuffer[T any] struct {
	mu       sync.Mutex
	notFull  sync.Cond // signalled when a slot frees up
	notEmpty sync.Cond // signalled when a value arrives, or on Close
	items    []T       // a ring of cap(items) slots
	head, n  int       // the oldest value's index, and how many there are
	closed   bool
}

// NewCondBuffer returns an empty buffer that holds up to capacity values.
func NewCondBuffer[T any](capacity int) *CondBuffer[T] {
	b := &CondBuffer[T]{items: make([]T, max(capacity, 1))}
	b.notFull.L = &b.mu
	b.notEmpty.L = &b.mu
	return b
}

// Put implements Queue.
func (b *CondBuffer[T]) Put(v T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.n == len(b.items) && !b.closed {
		b.notFull.Wait() // unlocks mu while asleep, locks it again before returning
	}
	if b.closed {
		panic("CondBuffer: Put after Close")
	}
	b.items[(b.head+b.n)%len(b.items)] = v
	b.n++
	b.notEmpty.Signal()
}

// Get implements Queue.
func (b *CondBuffer[T]) Get() (T, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.n == 0 && !b.closed {
		b.notEmpty.Wait()
	}
	var zero T
	if b.n == 0 { // closed and drained
		return zero, false
	}
	v := b.items[b.head]
	b.items[b.head] = zero // let the garbage collector have it
	b.head = (b.head + 1) % len(b.items)
	b.n--
	b.notFull.Signal()
	return v, true
}

// Close implements Queue. It wakes every sleeper: consumers to drain and
// stop, producers to panic (they were told not to Put after Close).
func (b *CondBuffer[T]) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.notEmpty.Broadcast()
	b.notFull.Broadcast()
}

// ChanBuffer is the same bounded buffer as a buffered channel, which is what
// Go code usually writes instead of any of the above: the runtime does the
// locking, the waiting and the waking. It is wrapped here only so the tests
// and benchmarks can run both through Queue; real code passes the channel
// itself around and gets select (with a timeout or a context) for free.
type ChanBuffer[T any] chan T

// NewChanBuffer returns an empty buffer that holds up to capacity values.
func NewChanBuffer[T any](capacity int) ChanBuffer[T] { return make(chan T, capacity) }

// Put implements Queue.
func (c ChanBuffer[T]) Put(v T) { c <- v }

// Get implements Queue.
func (c ChanBuffer[T]) Get() (T, bool) { v, ok := <-c; return v, ok }

// Close implements Queue.
func (c ChanBuffer[T]) Close() { close(c) }

// ProduceConsume runs producers goroutines that each Put items values into q
// and consumers goroutines that Get until q is closed, then returns how many
// values the consumers received and their sum. Producer p puts the values
// p*items+1 .. p*items+items, so the expected sum is known in advance.
func ProduceConsume(q Queue[int], producers, consumers, items int) (received int, total int64) {
	var prod, cons sync.WaitGroup
	var mu sync.Mutex
	for p := range producers {
		prod.Go(func() {
			for i := range items {
				q.Put(p*items + i + 1)
			}
		})
	}
	for range consumers {
		cons.Go(func() {
			n, s := 0, int64(0)
			for {
				v, ok := q.Get()
				if !ok {
					break
				}
				n++
				s += int64(v)
			}
			mu.Lock()
			received += n
			total += s
			mu.Unlock()
		})
	}
	prod.Wait()
	q.Close() // only after the last Put: the producers' side owns closing
	cons.Wait()
	return received, total
}
