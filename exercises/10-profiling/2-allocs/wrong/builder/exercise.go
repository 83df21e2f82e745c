//go:build coach

// Wrong: builds the line in a new strings.Builder and copies it, one allocation per line at least.
package allocs

import (
	"strconv"
	"strings"
)

// An Event is one thing the server logs.
type Event struct {
	ID     int64
	User   string
	Amount int64
}

// AppendEvent appends e to dst as one line, "id=42 user=ada amount=-7\n",
// and returns the extended buffer, as append does.
func AppendEvent(dst []byte, e Event) []byte {
	var b strings.Builder
	b.WriteString("id=")
	b.WriteString(strconv.FormatInt(e.ID, 10))
	b.WriteString(" user=")
	b.WriteString(e.User)
	b.WriteString(" amount=")
	b.WriteString(strconv.FormatInt(e.Amount, 10))
	b.WriteByte('\n')
	return append(dst, b.String()...)
}
