// Command nojoin is broken on purpose: main starts three workers and returns
// without joining them. When main returns the program exits, and goroutines
// still running are not waited for, not warned about, and not finished: they
// simply vanish. Python waits for non-daemon threads at exit and Java for
// non-daemon threads too; Go waits for nothing.
//
// Run it: go run ./01-threads/nojoin
// None of the "finished" lines is ever printed.
package main

import (
	"fmt"
	"time"
)

func main() {
	for i := 1; i <= 3; i++ {
		go func() {
			// Pretend to work for a while; main will be long gone. (Three
			// seconds, because a -race build lingers one second at exit to
			// catch late races: GORACE's atexit_sleep_ms, 1000 by default.)
			time.Sleep(3 * time.Second)
			fmt.Printf("worker %d: finished\n", i)
		}()
	}
	fmt.Println("main: started 3 workers")
	fmt.Println("main: returning without joining them")
}
