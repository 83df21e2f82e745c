//go:build unix

package docblocks

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tryLock takes an exclusive lock on the file at path without waiting, and
// returns the function that releases it; ok is false if another process
// holds it.
func tryLock(path string) (unlock func(), ok bool) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, false
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, false
	}
	return func() { f.Close() }, true // closing the file releases the lock
}

func TestTryLockIsExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, ok := tryLock(path)
	require.True(t, ok)
	_, again := tryLock(path)
	assert.False(t, again, "a second lock on a held file")
	unlock()
	unlock2, ok := tryLock(path)
	require.True(t, ok, "the lock once released")
	unlock2()
}
