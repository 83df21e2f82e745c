//go:build coach

package wordcount

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCount(t *testing.T) {
	tests := []struct {
		name  string
		texts []string
		want  map[string]int
	}{
		{"no texts", nil, map[string]int{}},
		{"one text", []string{"to be or not to be"}, map[string]int{"to": 2, "be": 2, "or": 1, "not": 1}},
		{"empty texts", []string{"", "  ", "\n"}, map[string]int{}},
		{"the same word everywhere", []string{"go go", "go", "go go go"}, map[string]int{"go": 6}},
		{"spread over texts", []string{"a b", "b c\td", "\nd a  a"}, map[string]int{"a": 3, "b": 2, "c": 1, "d": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Count(tt.texts))
		})
	}
}

// Many texts at once, so that many goroutines run side by side while the
// race detector watches.
func TestCountManyTexts(t *testing.T) {
	for _, n := range []int{2, 8, 64} {
		t.Run(fmt.Sprint(n, " texts"), func(t *testing.T) {
			texts := make([]string, n)
			for i := range texts {
				texts[i] = strings.Repeat("tick tock ", 100) + fmt.Sprint("text", i)
			}
			want := map[string]int{"tick": 100 * n, "tock": 100 * n}
			for i := range n {
				want[fmt.Sprint("text", i)] = 1
			}
			assert.Equal(t, want, Count(texts))
		})
	}
}
