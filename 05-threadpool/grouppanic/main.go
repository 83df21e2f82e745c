// Command grouppanic shows that errgroup does not recover panics: a task
// that panics takes the whole program down (exit status 2), and the other
// tasks' results and the group's error are lost with it. Compare the
// executor, whose Future reports a *executor.PanicError and whose worker
// goes on. Run it with:  go run ./05-threadpool/grouppanic
//
// With -return it is worse. g.Wait can return (nil!) before the crash,
// because errgroup's deferred bookkeeping runs while the panic unwinds, and
// the runtime prints the panic and exits only after that. If main returns
// in that gap, the program exits with status 0 and the panic is never
// printed at all. Try it a few hundred times:
//
//	go build -o /tmp/gp ./05-threadpool/grouppanic
//	for i in $(seq 200); do /tmp/gp -return >/dev/null 2>&1; echo $?; done | sort | uniq -c
package main

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/gocourse/concurrency/internal/lesson"
)

func main() {
	var returnEarly bool
	f := lesson.NewFlags("05-threadpool/grouppanic", "A task in an errgroup panics, and the whole program goes down with it.")
	f.BoolVar(&returnEarly, "return", false, "return from main right after g.Wait, racing the crash")
	f.MustParse(os.Args[1:])

	var g errgroup.Group
	g.SetLimit(2)
	g.Go(func() error { return nil })
	g.Go(func() error {
		words := strings.Fields("") // no words at all…
		_ = words[0]                // …so this index panics
		return nil
	})
	err := g.Wait()
	fmt.Println("g.Wait returned", err)
	if returnEarly {
		return // races the crash: sometimes exit status 0 and no panic message
	}
	select {} // the panicking goroutine ends the program; main never decides
}
