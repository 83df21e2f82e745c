// Command lostcancel is broken on purpose: it drops the cancel function that
// context.WithTimeout returns. Its context, and the timer behind it, live
// until the timeout fires, an hour from now, however soon the work is done;
// in a loop that is one live timer per pass.
//
// go vet reports it: "the cancel function returned by context.WithTimeout
// should be called, not discarded, to avoid a context leak". It lives under
// testdata so that `go vet ./...` over the course stays clean; run it with
// `go run ./09-context/testdata/lostcancel`, vet it with
// `go vet ./09-context/testdata/lostcancel`.
package main

import (
	"context"
	"fmt"
	"time"
)

func fetch(ctx context.Context, id int) int {
	ctx, _ = context.WithTimeout(ctx, time.Hour) // the bug: the cancel is dropped
	select {
	case <-ctx.Done():
		return -1
	default:
		return id * 2
	}
}

func main() {
	sum := 0
	for i := range 1000 {
		sum += fetch(context.Background(), i)
	}
	fmt.Printf("1000 fetches done (sum %d); 1000 one-hour timers still pending, one per dropped cancel\n", sum)
}
