package main

import (
	"fmt"
	"io"
	"slices"
	"sync"
)

// Goroutines live in one address space, the program's, exactly as the tutorial
// says threads live inside their process. A variable declared in main and
// captured by a goroutine's function literal is the same variable, not a
// copy: what the goroutine writes, main can read, once the two are properly
// synchronised (here by the WaitGroup; chapter 04 shows what happens without).

// fillShared has each of n goroutines write its own square into one slice
// that main owns. After Wait, main sees every write.
func fillShared(n int) []int {
	squares := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		// Since Go 1.22 every iteration has its own i, so each goroutine
		// captures a different variable. See loopVarValues.
		wg.Go(func() { squares[i] = i * i })
	}
	wg.Wait()
	return squares
}

// loopVarValues starts n goroutines in a loop, each sending the loop
// variable it captured, and returns the values sorted. The goroutines wait at
// a closed-later channel, so they all read i after the loop has finished.
//
// With Go 1.22 semantics (this module says go 1.26) each iteration has a
// fresh i, and the result is 0..n-1. Code written for Go 1.21 and earlier
// shared one i across all iterations, so the same function printed n, n, n:
// see testdata/oldloop, which declares itself go1.21 to get the old rules.
func loopVarValues(n int) []int {
	start := make(chan struct{})
	got := make(chan int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Go(func() {
			<-start
			got <- i
		})
	}
	close(start)
	wg.Wait()
	close(got)
	var out []int
	for v := range got {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func showShared(w io.Writer) {
	fmt.Fprintf(w, "squares written by 5 goroutines into main's slice: %v\n", fillShared(5))
	fmt.Fprintf(w, "loop variable seen by 3 goroutines (Go 1.22+ rules):  %v\n", loopVarValues(3))
}
