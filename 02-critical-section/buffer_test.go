package main

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
)

var queues = []struct {
	name string
	new  func(capacity int) Queue[int]
}{
	{"cond", func(c int) Queue[int] { return NewCondBuffer[int](c) }},
	{"chan", func(c int) Queue[int] { return NewChanBuffer[int](c) }},
}

// Every value put is got exactly once: the count and the sum both match.
func TestProduceConsume(t *testing.T) {
	shapes := []struct {
		name                                 string
		capacity, producers, consumers, each int
	}{
		{"one slot, many on both sides", 1, 8, 8, 500},
		{"small buffer", 4, 3, 2, 1000},
		{"more room than values", 1024, 2, 1, 100},
		{"nothing to send", 4, 0, 3, 0},
	}
	for _, q := range queues {
		for _, s := range shapes {
			t.Run(q.name+"/"+s.name, func(t *testing.T) {
				got, sum := ProduceConsume(q.new(s.capacity), s.producers, s.consumers, s.each)
				n := s.producers * s.each
				assert.Equal(t, n, got)
				assert.Equal(t, int64(n)*int64(n+1)/2, sum)
			})
		}
	}
}

// The blocking behaviour, checked in a bubble: synctest.Wait returns when
// every goroutine in the bubble is blocked, so "still blocked" is a fact,
// not a guess made after a sleep.
func TestQueueBlocks(t *testing.T) {
	for _, q := range queues {
		t.Run(q.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := q.new(2)
				b.Put(1)
				b.Put(2)
				put := make(chan struct{})
				go func() { b.Put(3); close(put) }()
				synctest.Wait()
				assert.False(t, isClosed(put), "Put into a full buffer must wait")

				v, ok := b.Get()
				assert.True(t, ok)
				assert.Equal(t, 1, v, "first in, first out")
				synctest.Wait()
				assert.True(t, isClosed(put), "a Get makes room for the waiting Put")

				assert.Equal(t, []int{2, 3}, []int{must(b.Get()), must(b.Get())})

				got := make(chan bool)
				go func() { _, ok := b.Get(); got <- ok }()
				synctest.Wait()
				select {
				case <-got:
					t.Fatal("Get from an empty buffer must wait")
				default:
				}
				b.Close()
				assert.False(t, <-got, "Close wakes a waiting Get, which reports no value")
			})
		})
	}
}

func must(v int, ok bool) int {
	if !ok {
		panic("no value")
	}
	return v
}

func TestCondBufferCloseDrainsThenStops(t *testing.T) {
	b := NewCondBuffer[string](3)
	b.Put("a")
	b.Put("b")
	b.Close()
	assert.Equal(t, "a", must2(b.Get()))
	assert.Equal(t, "b", must2(b.Get()))
	_, ok := b.Get()
	assert.False(t, ok)
	assert.PanicsWithValue(t, "CondBuffer: Put after Close", func() { b.Put("c") })
}

func must2(v string, ok bool) string {
	if !ok {
		panic("no value")
	}
	return v
}

// Close must wake every goroutine waiting in Get, not just one of them.
// In a bubble, a getter left asleep is a deadlock the bubble reports at once.
func TestCloseWakesEveryGetter(t *testing.T) {
	for _, q := range queues {
		t.Run(q.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := q.new(1)
				const getters = 3
				results := make(chan bool, getters)
				for range getters {
					go func() { _, ok := b.Get(); results <- ok }()
				}
				synctest.Wait() // all three are asleep in Get
				b.Close()
				for range getters {
					assert.False(t, <-results)
				}
			})
		})
	}
}

func ExampleProduceConsume() {
	n, sum := ProduceConsume(NewChanBuffer[int](2), 2, 3, 5)
	fmt.Println(n, sum) // the values 1..10, each received once
	// Output: 10 55
}

func ExampleNewChanBuffer() {
	// What Go code usually writes instead of a Queue type: the channel.
	buf := make(chan string, 2)
	buf <- "a"
	buf <- "b" // a third send would wait for a receive
	close(buf) // no more sends; receivers drain what is left
	for v := range buf {
		fmt.Println(v)
	}
	// Output:
	// a
	// b
}

// What a goroutine asleep in Cond.Wait cannot do: give up after a while.
func ExampleChanBuffer_select() {
	buf := make(chan int, 4) // empty: no producer today
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	select {
	case v := <-buf:
		fmt.Println("got", v)
	case <-ctx.Done():
		fmt.Println("gave up:", ctx.Err())
	}
	// Output: gave up: context deadline exceeded
}
