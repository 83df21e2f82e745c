//go:build coach

// Exercise 10.2: a hot path that allocates nothing.
//
// AppendEvent is called for every request a busy server handles: it appends
// one log line to a buffer the caller reuses. It formats with fmt.Sprintf,
// which boxes its arguments and returns a new string each time: several
// allocations per line. Every one is work for the garbage collector, which
// takes CPU from every goroutine of the server. The allocs profile
// (go test -memprofile, or /debug/pprof/allocs) would point at this line.
//
// TODO: make AppendEvent allocate nothing when dst has room: append the
// pieces straight onto dst, numbers with strconv.AppendInt. The check
// counts allocations with testing.AllocsPerRun.
package allocs

import "fmt"

// An Event is one thing the server logs.
type Event struct {
	ID     int64
	User   string
	Amount int64
}

// AppendEvent appends e to dst as one line, "id=42 user=ada amount=-7\n",
// and returns the extended buffer, as append does.
func AppendEvent(dst []byte, e Event) []byte {
	line := fmt.Sprintf("id=%d user=%s amount=%d\n", e.ID, e.User, e.Amount)
	return append(dst, line...)
}
