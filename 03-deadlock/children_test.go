package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseCrash(t *testing.T) {
	tests := []struct {
		name   string
		out    string
		fatal  string
		states map[string]int
		str    string
	}{
		{
			name: "runtime deadlock",
			out: "fatal error: all goroutines are asleep - deadlock!\n\n" +
				"goroutine 1 [sync.WaitGroup.Wait]:\nmain.main()\n\n" +
				"goroutine 7 [sync.Mutex.Lock]:\nmain.transfer()\n\n" +
				"goroutine 8 [sync.Mutex.Lock, 2 minutes]:\nmain.transfer()\n",
			fatal:  runtimeDeadlock,
			states: map[string]int{"sync.WaitGroup.Wait": 1, "sync.Mutex.Lock": 2},
			str:    "2 in [sync.Mutex.Lock], 1 in [sync.WaitGroup.Wait]",
		},
		{
			name:   "synctest bubble details are dropped",
			out:    "goroutine 22 [chan send (durable), synctest bubble 1]:\n",
			states: map[string]int{"chan send (durable)": 1},
			str:    "1 in [chan send (durable)]",
		},
		{
			name:   "a stack line is not a header",
			out:    "\tgoroutine 3 [chan receive]: in a log message\n",
			states: map[string]int{},
		},
		{name: "nothing", states: map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := parseCrash(tt.out)
			assert.Equal(t, tt.fatal, c.fatal)
			assert.Equal(t, tt.states, c.states)
			assert.Equal(t, tt.str, c.String())
		})
	}
}
