package main

import (
	"fmt"
	"io"
	"slices"
	"sync"
)

// In Python a thread is created, then started, then joined:
//
//	t = threading.Thread(target=greet, args=("Ada",)); t.start(); t.join()
//
// In Go the `go` statement does the first two at once: it takes a function
// call, arguments and all, and that call starts running concurrently right
// away. There is no thread object to hold on to, so joining is done with
// something the goroutines and the waiter share. This file shows the three
// usual ways.

// greet stands in for real work: it turns a name into a greeting.
func greet(name string) string { return "hello, " + name }

// joinWithAddDone is the classic WaitGroup dance. Add before the `go`, so
// Wait cannot run before the counter is up; Done when the goroutine ends,
// deferred so that it happens even if the work panics.
func joinWithAddDone(names []string) []string {
	out := make([]string, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each goroutine writes only its own slot, so no two touch the
			// same memory: nothing here needs a lock.
			out[i] = greet(name)
		}()
	}
	wg.Wait() // the join: returns once every Done has been called
	return out
}

// joinWithGo does the same with WaitGroup.Go (Go 1.25), which calls Add and
// Done for you, so the two cannot be forgotten or misplaced. go vet's
// waitgroup check reports a wg.Add(1) placed inside the new goroutine, and
// `go fix` rewrites the Add/Done pattern above into this form.
func joinWithGo(names []string) []string {
	out := make([]string, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() { out[i] = greet(name) })
	}
	wg.Wait()
	return out
}

// joinWithChannel needs no WaitGroup: the results themselves are the join.
// Receiving exactly len(names) values means every goroutine has finished its
// send. The values arrive in the order the goroutines finish, which is not
// the order they were started, so they are sorted before they are shown.
func joinWithChannel(names []string) []string {
	results := make(chan string) // unbuffered: each send waits for the receive
	for _, name := range names {
		go func() { results <- greet(name) }()
	}
	out := make([]string, 0, len(names))
	for range names {
		out = append(out, <-results)
	}
	slices.Sort(out)
	return out
}

// joinWithDone waits for one goroutine with a done channel, the smallest
// join there is: the goroutine closes the channel as its last act, and a
// receive from a closed channel returns at once.
func joinWithDone(name string) string {
	var out string
	done := make(chan struct{})
	go func() {
		defer close(done)
		out = greet(name)
	}()
	<-done // everything written before close(done) is visible after this
	return out
}

// showJoins prints what each style returned.
func showJoins(w io.Writer) {
	names := []string{"Ada", "Grace", "Linus"}
	fmt.Fprintf(w, "wg.Add/Done/Wait  %q\n", joinWithAddDone(names))
	fmt.Fprintf(w, "wg.Go             %q\n", joinWithGo(names))
	fmt.Fprintf(w, "results channel   %q (arrival order varies; sorted here)\n", joinWithChannel(names))
	fmt.Fprintf(w, "done channel      %q\n", joinWithDone("Barbara"))
}
