package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestJoins(t *testing.T) {
	joins := map[string]func([]string) []string{
		"add-done": joinWithAddDone,
		"wg.Go":    joinWithGo,
		"channel":  joinWithChannel,
	}
	tests := []struct {
		name  string
		names []string
		want  []string
	}{
		{"none", nil, []string{}},
		{"one", []string{"Ada"}, []string{"hello, Ada"}},
		{"several", []string{"Ada", "Grace", "Linus"}, []string{"hello, Ada", "hello, Grace", "hello, Linus"}},
	}
	for jn, join := range joins {
		for _, tt := range tests {
			t.Run(jn+"/"+tt.name, func(t *testing.T) {
				got := join(tt.names)
				if len(tt.want) == 0 {
					assert.Empty(t, got)
					return
				}
				assert.Equal(t, tt.want, got)
			})
		}
	}
	assert.Equal(t, "hello, Barbara", joinWithDone("Barbara"))
}

// Many goroutines, joined; run under -race this also checks that none of the
// joins lets main read a slot before its goroutine wrote it.
func TestJoinsAtScale(t *testing.T) {
	names := make([]string, 1000)
	for i := range names {
		names[i] = string(rune('a' + i%26))
	}
	a, b := joinWithAddDone(names), joinWithGo(names)
	assert.Equal(t, a, b)
	assert.Len(t, joinWithChannel(names), 1000)
}

func ExampleNewThread() {
	var got string
	t := NewThread(func() { got = greet("Guido") })
	_ = t.Start()
	_ = t.Join()
	fmt.Println(got)
	// Output: hello, Guido
}

func TestThread(t *testing.T) {
	release := make(chan struct{})
	th := NewThread(func() { <-release })
	assert.False(t, th.Alive(), "not alive before Start")
	assert.ErrorIs(t, th.Join(), ErrNotStarted)
	assert.NoError(t, th.Start())
	assert.True(t, th.Alive(), "alive while the target blocks")
	assert.ErrorIs(t, th.Start(), ErrStartedTwice)
	close(release)
	assert.NoError(t, th.Join())
	assert.False(t, th.Alive(), "not alive after Join")
	assert.NoError(t, th.Join(), "a second Join returns at once")
}

// Many goroutines may join one thread; all are released together.
func TestThreadManyJoiners(t *testing.T) {
	release := make(chan struct{})
	th := NewThread(func() { <-release })
	assert.NoError(t, th.Start())
	errs := make(chan error)
	for range 10 {
		go func() { errs <- th.Join() }()
	}
	close(release)
	for range 10 {
		assert.NoError(t, <-errs)
	}
}

func ExampleshowJoins() {
	showJoins(os.Stdout)
	// Output:
	// wg.Add/Done/Wait  ["hello, Ada" "hello, Grace" "hello, Linus"]
	// wg.Go             ["hello, Ada" "hello, Grace" "hello, Linus"]
	// results channel   ["hello, Ada" "hello, Grace" "hello, Linus"] (arrival order varies; sorted here)
	// done channel      "hello, Barbara"
}

func ExampleshowShared() {
	showShared(os.Stdout)
	// Output:
	// squares written by 5 goroutines into main's slice: [0 1 4 9 16]
	// loop variable seen by 3 goroutines (Go 1.22+ rules):  [0 1 2]
}
