package executor_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gocourse/concurrency/05-threadpool/executor"
)

func ExampleSubmit() {
	e := executor.New(executor.Config{Workers: 2})
	defer e.Shutdown(context.Background())

	f, err := executor.Submit(e, func(ctx context.Context) (int, error) {
		return len(strings.Fields("a pool of workers")), nil
	})
	if err != nil {
		panic(err) // only after Shutdown, or when a Reject queue is full
	}
	n, err := f.Wait(context.Background())
	fmt.Println(n, err)
	// Output: 4 <nil>
}

func ExampleMap() {
	e := executor.New(executor.Config{Workers: 3})
	defer e.Shutdown(context.Background())

	lengths, err := executor.Map(context.Background(), e, []string{"one", "three", "eleven"},
		func(_ context.Context, s string) (int, error) { return len(s), nil })
	fmt.Println(lengths, err) // input order, whatever order they finished in
	// Output: [3 5 6] <nil>
}

func ExamplePanicError() {
	e := executor.New(executor.Config{Workers: 1})
	defer e.Shutdown(context.Background())

	f, _ := executor.Submit(e, func(context.Context) (int, error) {
		var words []string
		return len(words[0]), nil // index out of range
	})
	_, err := f.Wait(context.Background())
	var pe *executor.PanicError
	fmt.Println(errors.As(err, &pe), err)
	// Output: true executor: task panicked: runtime error: index out of range [0] with length 0
}

func ExampleExecutor_ShutdownNow() {
	e := executor.New(executor.Config{Workers: 1})
	started, release := make(chan struct{}), make(chan struct{})
	executor.Submit(e, func(ctx context.Context) (int, error) {
		close(started)
		<-release
		return 0, nil
	})
	<-started // the only worker is busy; the next two wait in the queue
	queued, _ := executor.Submit(e, func(context.Context) (int, error) { return 1, nil })
	executor.SubmitPriority(e, 5, func(context.Context) (int, error) { return 2, nil })

	fmt.Println(e.ShutdownNow()) // in the order they would have run
	close(release)
	_, err := queued.Wait(context.Background())
	fmt.Println(err, e.Shutdown(context.Background()))
	// Output:
	// [{3 5} {2 0}]
	// executor: shut down <nil>
}
