//go:build coach

package join

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestGreetAll(t *testing.T) {
	for _, n := range []int{0, 1, 3, 20} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			names := make([]string, n)
			want := make([]string, n)
			for i := range names {
				names[i] = fmt.Sprint("name", i)
				want[i] = "hello, " + names[i]
			}
			got := GreetAll(names)
			assert.Equal(t, want, got, "every greeting must be there when GreetAll returns")
		})
	}
}
