// Command 05-threadpool builds a thread pool in Go, step by step: the seed
// tutorial's ThreadPoolExecutor example first, then a goroutine per task, a
// fixed pool of workers, errgroup, and an executor with futures. Each step
// draws a timeline of who ran what when.
//
//	go run ./05-threadpool                 # everything, about five seconds
//	go run ./05-threadpool -steps seed     # only the seed example
//	go run ./05-threadpool -steps seed -python   # and the same in CPython, if python3 is installed
//	go run ./05-threadpool -steps 2,4 -workers 2 -tasks 9
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "05-threadpool: %v\n", err)
		return 2
	}
	for _, step := range o.steps {
		var err error
		switch step {
		case "seed":
			err = runSeed(stdout, o.pool, o.python)
			fmt.Fprintln(stdout)
		case "1":
			runStep1(stdout, o)
		case "2":
			runStep2(stdout, o)
		case "3":
			runStep3(stdout, o)
		case "4":
			err = runStep4(stdout, o)
		}
		if err != nil {
			fmt.Fprintf(stderr, "05-threadpool: step %s: %v\n", step, err)
			return 1
		}
	}
	return 0
}
