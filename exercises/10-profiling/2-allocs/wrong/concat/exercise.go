//go:build coach

// Wrong: appends onto dst, but first concatenates each piece into a new string.
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
	dst = append(dst, "id="+strconv.FormatInt(e.ID, 10)...)
	dst = append(dst, " user="+e.User...)
	dst = append(dst, " amount="+strconv.FormatInt(e.Amount, 10)+"\n"...)
	return dst
}
