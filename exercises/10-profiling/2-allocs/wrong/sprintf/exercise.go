//go:build coach

// Wrong: fmt.Appendf writes into dst, but fmt still boxes each argument in an interface, which allocates.
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
	return fmt.Appendf(dst, "id=%d user=%s amount=%d\n", e.ID, e.User, e.Amount)
}
