// Command cell does one channel operation for real, on a channel in the
// state you name, where the lesson's table only tried it. The cells that
// block or panic are broken on purpose:
//
//	go run ./08-pipelines/cell -op send -on closed     panic: send on closed channel
//	go run ./08-pipelines/cell -op close -on nil       panic: close of nil channel
//	go run ./08-pipelines/cell -op close -on closed    panic: close of closed channel
//	go run ./08-pipelines/cell -op receive -on nil     fatal error: all goroutines are asleep - deadlock!
//
// A panic exits with status 2 and the goroutine's stack. A block is seen by
// the runtime's deadlock check, because main is the only goroutine and it
// can never wake up; built with -race the check is off (golang/go#20588)
// and the program hangs instead.
package main

import (
	"fmt"
	"os"
	"slices"

	"github.com/gocourse/concurrency/internal/lesson"
)

func main() {
	var op, on string
	f := lesson.NewFlags("08-pipelines/cell", "do one channel operation on a channel in one state, for real")
	f.StringVar(&op, "op", "send", "the operation: send, receive or close")
	f.StringVar(&on, "on", "closed", "the channel's state: nil, unbuffered, buffered or closed")
	f.Check(func() error {
		if !slices.Contains([]string{"send", "receive", "close"}, op) {
			return fmt.Errorf("-op must be send, receive or close, got %q", op)
		}
		if !slices.Contains([]string{"nil", "unbuffered", "buffered", "closed"}, on) {
			return fmt.Errorf("-on must be nil, unbuffered, buffered or closed, got %q", on)
		}
		return nil
	})
	f.MustParse(os.Args[1:])

	var ch chan int
	switch on {
	case "unbuffered":
		ch = make(chan int)
	case "buffered":
		ch = make(chan int, 1)
	case "closed":
		ch = make(chan int, 1)
		close(ch)
	}
	fmt.Printf("%s on a %s channel...\n", op, on)
	switch op {
	case "send":
		ch <- 1
		fmt.Println("sent")
	case "receive":
		v, ok := <-ch
		fmt.Printf("received %d, ok=%t\n", v, ok)
	case "close":
		close(ch)
		fmt.Println("closed")
	}
}
