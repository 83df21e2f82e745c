//go:build unix && !linux

package main

import (
	"errors"
	"os"
)

// setPipeSize: only Linux lets a program resize a pipe.
func setPipeSize(*os.File, int) error { return errors.New("pipe size is fixed on this system") }
