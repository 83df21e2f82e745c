//go:build linux || darwin || freebsd || netbsd || openbsd

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), ioctlGetTermios)
	return err == nil
}

// termWidth is f's width in columns, or 0 when it is not a terminal.
func termWidth(f *os.File) int {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}

// singleKeys puts the terminal f in a mode where each key press is read at
// once, without Enter and without echo (Ctrl-C still interrupts), and
// returns the key presses and a function that puts the terminal back.
func singleKeys(f *os.File) (<-chan byte, func(), error) {
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil, nil, err
	}
	raw := *old
	raw.Lflag &^= unix.ICANON | unix.ECHO
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &raw); err != nil {
		return nil, nil, err
	}
	keys := make(chan byte)
	// The reader blocks in Read until the next key; it ends with the
	// process, which is when the coach stops reading keys.
	go func() {
		defer close(keys)
		buf := make([]byte, 1)
		for {
			if n, err := f.Read(buf); err != nil || n == 0 {
				return
			}
			keys <- buf[0]
		}
	}()
	restore := func() { unix.IoctlSetTermios(fd, ioctlSetTermios, old) }
	return keys, restore, nil
}
