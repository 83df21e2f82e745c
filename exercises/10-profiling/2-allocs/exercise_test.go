//go:build coach

package allocs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

// Rejects:
//   - sprintf: fmt.Appendf into dst still boxes its arguments
//   - builder: a new strings.Builder per line
//   - concat: appends, but builds each piece as a new string first

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAppendEvent(t *testing.T) {
	tests := []struct {
		prefix string
		e      Event
		want   string
	}{
		{"", Event{ID: 42, User: "ada", Amount: -7}, "id=42 user=ada amount=-7\n"},
		{"x\n", Event{ID: 0, User: "", Amount: 0}, "x\nid=0 user= amount=0\n"},
		{"", Event{ID: 1 << 62, User: "grace hopper", Amount: 1_000_000_000_000}, "id=4611686018427387904 user=grace hopper amount=1000000000000\n"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(AppendEvent([]byte(tt.prefix), tt.e)))
	}
}

// Measured with testing.AllocsPerRun: the buffer has room, so a line that
// is appended piece by piece allocates nothing. Large numbers and a user
// name that is not a constant make sure no answer gets lucky with the
// runtime's small-value shortcuts.
func TestNoAllocations(t *testing.T) {
	user := string([]byte("ada lovelace"))
	buf := make([]byte, 0, 256)
	i := int64(1 << 40)
	allocs := testing.AllocsPerRun(200, func() {
		i++
		buf = AppendEvent(buf[:0], Event{ID: i, User: user, Amount: -i * 7})
	})
	assert.Zero(t, allocs, "AppendEvent allocates %v times per line; want none when the buffer has room", allocs)
}
