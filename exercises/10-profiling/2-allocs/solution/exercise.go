//go:build coach

// Exercise 10.2, solved: append every piece onto the caller's buffer.
package allocs

import "strconv"

// An Event is one thing the server logs.
type Event struct {
	ID     int64
	User   string
	Amount int64
}

// AppendEvent appends e to dst as one line, "id=42 user=ada amount=-7\n",
// and returns the extended buffer, as append does.
func AppendEvent(dst []byte, e Event) []byte {
	dst = append(dst, "id="...)
	dst = strconv.AppendInt(dst, e.ID, 10)
	dst = append(dst, " user="...)
	dst = append(dst, e.User...)
	dst = append(dst, " amount="...)
	dst = strconv.AppendInt(dst, e.Amount, 10)
	return append(dst, '\n')
}
