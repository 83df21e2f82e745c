// Command grouppanic shows that errgroup does not recover panics: a task
// that panics takes the whole program down (exit status 2), and the other
// tasks' results and the group's error are lost with it. Compare the
// executor, whose Future reports a *executor.PanicError and whose worker
// goes on. Run it with:  go run ./05-threadpool/grouppanic
package main

import (
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"
)

func main() {
	var g errgroup.Group
	g.SetLimit(2)
	g.Go(func() error { return nil })
	g.Go(func() error {
		words := strings.Fields("") // no words at all…
		_ = words[0]                // …so this index panics
		return nil
	})
	// Wait may even return nil and this line print before the crash:
	// errgroup's deferred bookkeeping runs while the panic unwinds, and the
	// runtime kills the process only after that.
	err := g.Wait()
	fmt.Println("g.Wait returned", err)
}
