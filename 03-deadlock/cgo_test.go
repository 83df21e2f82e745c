package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// The runtime's "all goroutines are asleep" check is off in every binary
// that links cgo: the same select {} is caught when built plainly, and hangs
// when built with -race or when it imports net with cgo on. With cgo off,
// importing net changes nothing. The pages and the harness rely on this.
func TestDeadlockCheckIsOffInCgoBinaries(t *testing.T) {
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	tests := []struct {
		name   string
		args   []string // go build flags
		cgo    string   // CGO_ENABLED
		caught bool
	}{
		{"plain", nil, "1", true},
		{"race", []string{"-race"}, "1", false},
		{"net with cgo", []string{"-tags", "withnet"}, "1", false},
		{"net without cgo", []string{"-tags", "withnet"}, "0", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bin := filepath.Join(t.TempDir(), "selectforever")
			args := append([]string{"build", "-o", bin}, tt.args...)
			build := harness.Command(t.Context(), "go", append(args, "./03-deadlock/selectforever")...)
			build.Dir = root
			build.Env = append(os.Environ(), "CGO_ENABLED="+tt.cgo)
			out, err := build.CombinedOutput()
			require.NoError(t, err, "go %s: %s", strings.Join(args, " "), out)

			// A caught deadlock ends in milliseconds (the generous bound is
			// for a loaded machine); three seconds of silence from a build
			// expected to hang is the hang.
			timeout := 3 * time.Second
			if tt.caught {
				timeout = 30 * time.Second
			}
			res, err := harness.Exec(t.Context(), bin, harness.Options{Timeout: timeout})
			require.NoError(t, err)
			assert.Contains(t, res.Stdout, "main: waiting in select {}")
			if tt.caught {
				assert.Equal(t, 2, res.ExitCode, res.String())
				assert.Contains(t, res.Stderr, "fatal error: all goroutines are asleep - deadlock!")
				assert.Contains(t, res.Stderr, "[select (no cases)]")
			} else {
				assert.True(t, res.TimedOut, "the check fired in a cgo binary: %s", res.String())
				assert.NotContains(t, res.Stderr, "all goroutines are asleep")
			}
		})
	}
}
