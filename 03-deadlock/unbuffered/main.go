// Command unbuffered deadlocks on purpose: main sends on an unbuffered
// channel that nobody receives from.
//
// An unbuffered send is a handshake: it waits until a receiver takes the
// value. Here the receive comes after the send, in the same goroutine, so it
// is never reached. The runtime sees that the only goroutine is asleep:
//
//	fatal error: all goroutines are asleep - deadlock!
//	goroutine 1 [chan send]:
//
// The fixes: receive in another goroutine, or give the channel a buffer.
package main

import "fmt"

func main() {
	results := make(chan int) // unbuffered: a send waits for a receiver
	fmt.Println("sending 42 on an unbuffered channel, receiver comes later")
	results <- 42
	fmt.Println("received", <-results) // never reached
}
