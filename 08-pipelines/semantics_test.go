package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every cell of the lesson's table, as the spec defines it.
func TestChannelSemantics(t *testing.T) {
	tests := []struct {
		op, state string
		want      string
		panicMsg  string
	}{
		{"send", "nil", "blocks forever", ""},
		{"send", "unbuffered", "waits for partner", ""},
		{"send", "buffered", "ok", ""},
		{"send", "closed", "panic", "send on closed channel"},
		{"receive", "nil", "blocks forever", ""},
		{"receive", "unbuffered", "waits for partner", ""},
		{"receive", "buffered", "7, true", ""},
		{"receive", "closed", "0, false", ""},
		{"close", "nil", "panic", "close of nil channel"},
		{"close", "unbuffered", "ok", ""},
		{"close", "buffered", "ok", ""},
		{"close", "closed", "panic", "close of closed channel"},
		{"len", "nil", "0", ""},
		{"len", "unbuffered", "0", ""},
		{"len", "buffered", "1", ""},
		{"len", "closed", "0", ""},
		{"cap", "nil", "0", ""},
		{"cap", "unbuffered", "0", ""},
		{"cap", "buffered", "2", ""},
		{"cap", "closed", "2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.op+" on "+tt.state, func(t *testing.T) {
			got, msg := cell(tt.op, tt.state)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.panicMsg, msg)
		})
	}
}

// A closed channel still delivers what it holds, and only then reports the
// close.
func TestClosedChannelDrainsFirst(t *testing.T) {
	ch := make(chan int, 2)
	ch <- 1
	ch <- 2
	close(ch)
	v, ok := <-ch
	assert.Equal(t, []any{1, true}, []any{v, ok})
	v, ok = <-ch
	assert.Equal(t, []any{2, true}, []any{v, ok})
	v, ok = <-ch
	assert.Equal(t, []any{0, false}, []any{v, ok})
}

// Rule 1. Under -race this test is the proof: if the receive did not come
// before the send completed, the write and the read would race.
func TestUnbufferedHandoff(t *testing.T) {
	for range 100 {
		assert.Equal(t, "hello, world", unbufferedHandoff())
	}
}

// Rule 2. With capacity 1 the plain counter is exact and -race is silent;
// with capacity c, never more than c goroutines are inside.
func TestSemaphoreCount(t *testing.T) {
	for _, c := range []int{1, 2, 3, 8} {
		r := semaphoreCount(8, 200, c)
		assert.LessOrEqual(t, r.most, c, "capacity %d", c)
		assert.GreaterOrEqual(t, r.most, 1)
		if c == 1 {
			assert.Equal(t, 8*200, r.count)
		}
	}
}
