//go:build unix

package main

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leftovers lists what a region may leave behind: files in the temp
// directory with our prefix, and (on Linux) mappings of our backing files.
func leftovers(t *testing.T) []string {
	t.Helper()
	var out []string
	ents, err := os.ReadDir(os.TempDir())
	require.NoError(t, err)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), shmPrefix) {
			out = append(out, "file "+e.Name())
		}
	}
	if runtime.GOOS == "linux" {
		maps, err := os.ReadFile("/proc/self/maps")
		require.NoError(t, err)
		for _, l := range strings.Split(string(maps), "\n") {
			if strings.Contains(l, shmPrefix) {
				out = append(out, "mapping "+l)
			}
		}
	}
	return out
}

func TestRegionBackends(t *testing.T) {
	backends := []struct {
		name string
		make func(int) (*Region, error)
	}{
		{shmBackend, newRegion},
		{"unlinked temp file", newTempFileRegion},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			before := leftovers(t)
			r, err := b.make(100)
			require.NoError(t, err)
			assert.Equal(t, os.Getpagesize(), r.Size(), "rounded up to a whole page")
			if runtime.GOOS == "linux" {
				assert.NotEmpty(t, leftovers(t), "mapped while open")
			}
			// Two views of the same memory: a write through one is seen
			// through the other, and through a second mapping of the file.
			xs := r.Int64s(8, 4)
			*r.Int64(16) = 7
			assert.Equal(t, int64(7), xs[1])
			again, err := mapFile(dupFile(t, r.File()), r.Size())
			require.NoError(t, err)
			assert.Equal(t, int64(7), *again.Int64(16))
			*again.Int64(24) = 9
			assert.Equal(t, int64(9), xs[2])
			require.NoError(t, again.Close())
			require.NoError(t, r.Close())
			assert.Equal(t, before, leftovers(t), "nothing left behind")
		})
	}
}

func dupFile(t *testing.T, f *os.File) *os.File {
	t.Helper()
	fd, err := dup(int(f.Fd()))
	require.NoError(t, err)
	return os.NewFile(uintptr(fd), "dup")
}

func TestRegionBounds(t *testing.T) {
	r, err := newRegion(64)
	require.NoError(t, err)
	defer r.Close()
	n := r.Size() / 8
	tests := []struct {
		name   string
		off, n int
		panics bool
	}{
		{"whole region", 0, n, false},
		{"last value", 8 * (n - 1), 1, false},
		{"empty", 8, 0, false},
		{"misaligned", 4, 1, true},
		{"past the end", 8 * n, 1, true},
		{"negative", -8, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := func() { r.Int64s(tt.off, tt.n) }
			if tt.panics {
				assert.Panics(t, f)
			} else {
				assert.NotPanics(t, f)
			}
		})
	}
}
