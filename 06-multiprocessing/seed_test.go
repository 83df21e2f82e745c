//go:build unix

package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeed(t *testing.T) {
	tests := []struct {
		name       string
		input      []int64
		sq, cu     int64
		paneLength int
	}{
		{name: "one to ten", input: []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, sq: 385, cu: 3025, paneLength: 11},
		{name: "one number", input: []int64{7}, sq: 49, cu: 343, paneLength: 2},
		{name: "negative and zero", input: []int64{-2, 0, 2}, sq: 8, cu: 0, paneLength: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := runSeed(t.Context(), tt.input)
			require.NoError(t, err)
			assert.Equal(t, [2]int64{tt.sq, tt.cu}, r.sums, "sums read from the shared Values")
			assert.Equal(t, r.sums, r.reported, "sums the children printed on their pipes")
			assert.Equal(t, tt.sq+tt.cu, r.total())
			for i, p := range r.panes {
				assert.Len(t, p.lines, tt.paneLength, p.label)
				assert.NotEqual(t, os.Getpid(), p.pid, "the work ran in another process")
				assert.Positive(t, p.pid)
				assert.NotEqual(t, r.panes[1-i].pid, p.pid, "two different children")
			}
		})
	}
}

func Example_drawPanes() {
	drawPanes(os.Stdout, []pane{
		{label: "squares", pid: 101, lines: []string{"2² = 4", "sum = 4"}},
		{label: "cubes", pid: 102, lines: []string{"2³ = 8", "sum = 8"}},
	})
	// Output:
	// ┌─ squares · pid 101 ──────┐ ┌─ cubes · pid 102 ────────┐
	// │ 2² = 4                   │ │ 2³ = 8                   │
	// │ sum = 4                  │ │ sum = 8                  │
	// └──────────────────────────┘ └──────────────────────────┘
}
