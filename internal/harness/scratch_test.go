package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScratch(t *testing.T) {
	s, err := NewScratch()
	require.NoError(t, err)
	dir := strings.TrimPrefix(s.Env(), "TMPDIR=")
	left, err := s.Close()
	require.NoError(t, err)
	assert.Empty(t, left, "nothing was left")
	assert.NoDirExists(t, dir)

	s, err = NewScratch()
	require.NoError(t, err)
	dir = strings.TrimPrefix(s.Env(), "TMPDIR=")
	require.NoError(t, os.Mkdir(filepath.Join(dir, "go-build123"), 0o700))
	left, err = s.Close()
	require.NoError(t, err)
	assert.Equal(t, "leaves in TMPDIR: go-build123", left)
	assert.NoDirExists(t, dir, "removed, leftovers and all")
}
