// Command rangeforever is broken on purpose: it ranges over a channel that
// its sender never closes. The sender sends three values and returns; the
// range loop takes them and waits for a fourth, or for the close that would
// end the loop. Neither can ever come, and main is the last goroutine, so
// the runtime stops the program:
//
//	fatal error: all goroutines are asleep - deadlock!
//
// The runtime can tell only because every goroutine is blocked. In a real
// program some other goroutine (a timer, a server) is usually alive, and
// the loop just hangs; and a -race build turns the check off. The fix is
// one line in the sender: defer close(ch).
package main

import "fmt"

func main() {
	ch := make(chan int)
	go func() {
		for i := 1; i <= 3; i++ {
			ch <- i
		}
		// the fix: close(ch), done by the sender once it has sent everything
	}()
	for v := range ch {
		fmt.Println("got", v)
	}
	fmt.Println("the loop ended") // never printed
}
